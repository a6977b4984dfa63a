namespace HyperTune.Cluster.Leases;

/// <summary>
/// Named, time-limited leases kept where every node can reach them (the cluster's database), timed by the store's
/// own clock so node clocks never matter. One holder at a time per name. An owner is written <c>HOLDER/INSTANCE</c>
/// (or just <c>HOLDER</c>): instances of one holder (coordinators of one node incarnation) share its leases, so a
/// coordinator restarted on the same node takes its predecessor's lease at once; a release removes the lease only
/// when the releasing instance took it last.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="owner"/> for <paramref name="ttl"/>, or renews it
    /// when the owner's holder already holds it; refused while another holder's lease is live.
    /// </summary>
    Task<LeaseClaim> TryAcquireAsync(string name, string owner, TimeSpan ttl,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="TryAcquireAsync"/>, and also taken while <paramref name="from"/> (an owner, exactly) holds it
    /// live: for a holder that no longer needs the lease and cannot hand it over itself.
    /// </summary>
    Task<LeaseClaim> TryTakeOverAsync(string name, string owner, string from, TimeSpan ttl,
        CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up if <paramref name="owner"/> holds it; true if it did.</summary>
    Task<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default);

    /// <summary>Who holds the lease now, if anyone (an expired lease is held by no one).</summary>
    Task<string?> HolderAsync(string name, CancellationToken cancellationToken = default);
}
