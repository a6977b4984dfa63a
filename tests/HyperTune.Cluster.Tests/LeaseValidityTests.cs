using Akka.Configuration;
using HyperTune.Cluster.Leases;

namespace HyperTune.Cluster.Tests;

public sealed class LeaseValidityTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    [Fact]
    public void A_lease_is_trusted_from_the_request_s_sending_for_ttl_minus_margin()
    {
        var sentAt = TimeSpan.FromSeconds(100);
        var validity = LeaseValidity.AfterRenewal(sentAt, Ttl, Margin);
        Assert.True(validity.IsValidAt(sentAt));
        Assert.True(validity.IsValidAt(TimeSpan.FromSeconds(107.999)));
        Assert.False(validity.IsValidAt(TimeSpan.FromSeconds(108)));
        Assert.Equal(TimeSpan.FromSeconds(3), validity.RemainingAt(TimeSpan.FromSeconds(105)));
        Assert.Equal(TimeSpan.Zero, validity.RemainingAt(TimeSpan.FromSeconds(140)));
    }

    [Fact]
    public void A_renewal_answered_after_a_freeze_longer_than_the_lease_is_not_trusted()
    {
        // Sent at 100 s, the process frozen for 30 s, the answer read at 130 s: the database may have given the lease
        // to another node at 110 s.
        var validity = LeaseValidity.AfterRenewal(TimeSpan.FromSeconds(100), Ttl, Margin);
        Assert.False(validity.IsValidAt(TimeSpan.FromSeconds(130)));
    }

    [Fact]
    public void An_older_renewal_answered_last_does_not_shorten_a_newer_one()
    {
        var newer = LeaseValidity.AfterRenewal(TimeSpan.FromSeconds(20), Ttl, Margin);
        var older = LeaseValidity.AfterRenewal(TimeSpan.FromSeconds(10), Ttl, Margin);
        Assert.Equal(newer, newer.Max(older));
        Assert.Equal(newer, older.Max(newer));
        Assert.False(LeaseValidity.None.IsValidAt(TimeSpan.Zero));
    }

    [Fact]
    public void A_margin_as_long_as_the_ttl_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LeaseValidity.AfterRenewal(TimeSpan.Zero, Ttl, Ttl));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => LeaseValidity.AfterRenewal(TimeSpan.Zero, Ttl, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Study_lease_settings_must_leave_time_for_a_failed_renewal()
    {
        var defaults = StudyLeaseSettings.From(HyperTune.Cluster.Hosting.HyperTuneNode.DefaultConfig());
        Assert.True(defaults.Margin + 2 * defaults.RenewInterval < defaults.Ttl, defaults.ToString());
        var tight = ConfigurationFactory
            .ParseString("hypertune.lease.study { ttl = 5s, margin = 2s, renew-interval = 2s }")
            .WithFallback(HyperTune.Cluster.Hosting.HyperTuneNode.DefaultConfig());
        var e = Assert.Throws<ConfigurationException>(() => StudyLeaseSettings.From(tight));
        Assert.Contains("renew-interval", e.Message);
    }
}
