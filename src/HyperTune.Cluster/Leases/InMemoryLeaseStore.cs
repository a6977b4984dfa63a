using System.Diagnostics;

namespace HyperTune.Cluster.Leases;

/// <summary>
/// Leases in this process's memory (<c>hypertune.lease.store = memory</c>): for tests of the fencing of actors in
/// one actor system; it fences nothing between processes.
/// </summary>
public sealed class InMemoryLeaseStore : ILeaseStore
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (string Owner, TimeSpan ExpiresAt)> _leases = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<LeaseClaim> TryAcquireAsync(string name, string owner, TimeSpan ttl,
        CancellationToken cancellationToken = default) => Take(name, owner, null, ttl);

    /// <inheritdoc />
    public Task<LeaseClaim> TryTakeOverAsync(string name, string owner, string from, TimeSpan ttl,
        CancellationToken cancellationToken = default) => Take(name, owner, from, ttl);

    private Task<LeaseClaim> Take(string name, string owner, string? from, TimeSpan ttl)
    {
        lock (_leases)
        {
            var now = _clock.Elapsed;
            var taken = _leases.TryGetValue(name, out var held);
            if (taken && HolderOf(held.Owner) != HolderOf(owner) && held.Owner != from && held.ExpiresAt > now)
                return Task.FromResult(new LeaseClaim(false, held.Owner, held.ExpiresAt - now));
            _leases[name] = (owner, now + ttl);
            return Task.FromResult(LeaseClaim.Granted);
        }
    }

    private static string HolderOf(string owner) => owner.Split('/')[0];

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        lock (_leases)
            return Task.FromResult(
                _leases.TryGetValue(name, out var held) && held.Owner == owner && _leases.Remove(name));
    }

    /// <inheritdoc />
    public Task<string?> HolderAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_leases)
            return Task.FromResult(
                _leases.TryGetValue(name, out var held) && held.ExpiresAt > _clock.Elapsed ? held.Owner : null);
    }
}
