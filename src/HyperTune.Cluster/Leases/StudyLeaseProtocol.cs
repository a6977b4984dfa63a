namespace HyperTune.Cluster.Leases;

/// <summary>What a coordinator's <see cref="StudyWriteFence"/> sends itself (never sent between nodes).</summary>
public static class StudyLeaseProtocol
{
    /// <summary>A message the fence handles itself.</summary>
    public interface ILeaseMessage;

    /// <summary>Ask the store for the lease (again).</summary>
    public sealed record AcquireLease : ILeaseMessage
    {
        /// <summary>The one instance.</summary>
        public static AcquireLease Instance { get; } = new();
    }

    /// <summary>Renew the lease held.</summary>
    public sealed record RenewLease : ILeaseMessage
    {
        /// <summary>The one instance.</summary>
        public static RenewLease Instance { get; } = new();
    }

    /// <summary>The store granted (or renewed) the lease; the request was sent at monotonic time
    /// <see cref="SentAt"/>.</summary>
    public sealed record LeaseGranted(TimeSpan SentAt) : ILeaseMessage;

    /// <summary>Another owner holds the lease.</summary>
    public sealed record LeaseRefused(string? Holder, TimeSpan? HolderRemaining) : ILeaseMessage;

    /// <summary>The store could not be asked (database down, timeout); nothing is known.</summary>
    public sealed record LeaseUnanswered(string Reason) : ILeaseMessage;
}
