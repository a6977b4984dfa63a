using Akka.Configuration;

namespace HyperTune.Cluster.Leases;

/// <summary>The <c>hypertune.lease.study</c> section: the per-study write lease of coordinators.</summary>
/// <param name="Ttl">A lease not renewed for this long (by the database's clock) may be taken by another node.</param>
/// <param name="Margin">The holder stops trusting its lease this much before the database could give it away.</param>
/// <param name="RenewInterval">How often a holder renews.</param>
/// <param name="RetryInterval">How often a coordinator waiting for a lease asks again.</param>
public sealed record StudyLeaseSettings(TimeSpan Ttl, TimeSpan Margin, TimeSpan RenewInterval, TimeSpan RetryInterval)
{
    /// <summary>Reads <c>hypertune.lease.study</c>.</summary>
    /// <exception cref="ConfigurationException">The durations do not leave the holder time to renew.</exception>
    public static StudyLeaseSettings From(Config config)
    {
        var c = config.GetConfig("hypertune.lease.study");
        var settings = new StudyLeaseSettings(
            c.GetTimeSpan("ttl", TimeSpan.FromSeconds(10)),
            c.GetTimeSpan("margin", TimeSpan.FromSeconds(2)),
            c.GetTimeSpan("renew-interval", TimeSpan.FromSeconds(3)),
            c.GetTimeSpan("retry-interval", TimeSpan.FromSeconds(1)));
        // A renewal must be able to fail once and still be retried before the holder stops trusting its lease.
        var positive = settings.Margin >= TimeSpan.Zero && settings.RenewInterval > TimeSpan.Zero &&
                       settings.RetryInterval > TimeSpan.Zero;
        if (!positive || settings.Margin + 2 * settings.RenewInterval >= settings.Ttl)
            throw new ConfigurationException(
                $"hypertune.lease.study: ttl ({settings.Ttl}) must exceed margin ({settings.Margin}) plus two " +
                $"renew-intervals ({settings.RenewInterval}), and the intervals must be positive");
        return settings;
    }
}
