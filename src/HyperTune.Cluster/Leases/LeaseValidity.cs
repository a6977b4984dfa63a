namespace HyperTune.Cluster.Leases;

/// <summary>
/// How long a lease holder may trust its lease, on a monotonic clock of its own (a
/// <see cref="System.Diagnostics.Stopwatch"/>, which keeps running while the process is frozen). The database
/// starts a lease's time to live when it executes the renewal, which is after the holder sent it; counting from the
/// moment the request was <em>sent</em>, minus a margin, the holder always stops trusting the lease before the
/// database lets anyone else take it.
/// </summary>
/// <param name="ValidUntil">The monotonic time at which the lease stops being trusted.</param>
public readonly record struct LeaseValidity(TimeSpan ValidUntil)
{
    /// <summary>No lease held.</summary>
    public static LeaseValidity None { get; } = new(TimeSpan.MinValue);

    /// <summary>The validity after a successful acquisition or renewal.</summary>
    /// <param name="requestSentAt">Monotonic time just before the request was sent.</param>
    /// <param name="ttl">The time to live the database gave the lease.</param>
    /// <param name="margin">Slack for clock-rate differences and scheduling; less than <paramref name="ttl"/>.</param>
    public static LeaseValidity AfterRenewal(TimeSpan requestSentAt, TimeSpan ttl, TimeSpan margin)
    {
        if (margin < TimeSpan.Zero || margin >= ttl)
            throw new ArgumentOutOfRangeException(nameof(margin),
                $"the lease margin ({margin}) must be at least 0 and less than its ttl ({ttl})");
        return new LeaseValidity(requestSentAt + ttl - margin);
    }

    /// <summary>True while the lease may be trusted at monotonic time <paramref name="now"/>.</summary>
    public bool IsValidAt(TimeSpan now) => now < ValidUntil;

    /// <summary>How long the lease may still be trusted at <paramref name="now"/> (zero once it may not).</summary>
    public TimeSpan RemainingAt(TimeSpan now) => IsValidAt(now) ? ValidUntil - now : TimeSpan.Zero;

    /// <summary>
    /// The later of two validities: a renewal answered out of order (an older request answered last) must not
    /// shorten what a newer one granted.
    /// </summary>
    public LeaseValidity Max(LeaseValidity other) => other.ValidUntil > ValidUntil ? other : this;
}
