namespace HyperTune.Cluster.Leases;

/// <summary>What a coordinator does with a message, as its <see cref="StudyWriteFence"/> decides.</summary>
public enum FenceAdmission
{
    /// <summary>Process it now.</summary>
    Deliver,

    /// <summary>The fence handled it (a lease message).</summary>
    Consumed,

    /// <summary>Keep it until the lease is held (stash it).</summary>
    Wait,

    /// <summary>The lease is lost: process nothing more; the coordinator stops.</summary>
    Refuse,
}
