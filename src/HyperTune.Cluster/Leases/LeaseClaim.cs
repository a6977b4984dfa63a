namespace HyperTune.Cluster.Leases;

/// <summary>The outcome of asking the lease store for a lease.</summary>
/// <param name="Acquired">True when the caller holds the lease now (newly, or renewed).</param>
/// <param name="Holder">When refused, who holds it.</param>
/// <param name="HolderRemaining">When refused, how long the holder's lease lasts unless renewed.</param>
public sealed record LeaseClaim(bool Acquired, string? Holder = null, TimeSpan? HolderRemaining = null)
{
    /// <summary>The caller holds the lease.</summary>
    public static LeaseClaim Granted { get; } = new(true);
}
