using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Asks the journal, periodically, for the highest sequence number of a persistence id nothing is written to: a
/// read through the journal plugin and its circuit breaker, as a coordinator's recovery does, that writes no row.
/// Records each answer in a <see cref="StorageHealth"/> and logs when the journal stops and starts answering.
/// </summary>
public sealed class StorageProbe : ReceiveActor, IWithTimers
{
    private sealed record Check;

    private sealed record CheckTimedOut(long Check);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _check;
    private bool _waiting;

    /// <summary>The persistence id the probe reads (never written).</summary>
    public const string ProbePersistenceId = "hypertune-storage-probe";

    /// <summary>Props for the probe.</summary>
    public static Props Props(StorageHealth health, TimeSpan interval, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new StorageProbe(health, interval, timeout));

    /// <summary>Creates the probe (use <see cref="Props"/>).</summary>
    public StorageProbe(StorageHealth health, TimeSpan interval, TimeSpan timeout)
    {
        var journal = Persistence.Instance.Apply(Context.System).JournalFor(null);
        Receive<Check>(_ =>
        {
            if (_waiting) return;
            _waiting = true;
            _check++;
            journal.Tell(new ReplayMessages(1, long.MaxValue, 0, ProbePersistenceId, Self));
            Timers.StartSingleTimer("timeout", new CheckTimedOut(_check), timeout);
        });
        Receive<RecoverySuccess>(_ =>
        {
            _waiting = false;
            Timers.Cancel("timeout");
            if (!health.Current.Reachable && health.Current.LastChecked is not null)
                _log.Info("storage: the journal answers again (unreachable since {0:o})",
                    health.Current.UnreachableSince);
            health.Answered(DateTimeOffset.UtcNow);
        });
        Receive<ReplayMessagesFailure>(f =>
        {
            _waiting = false;
            Timers.Cancel("timeout");
            Failed(health, f.Cause.GetBaseException().Message);
        });
        Receive<CheckTimedOut>(t =>
        {
            if (t.Check != _check || !_waiting) return;
            _waiting = false;
            Failed(health, $"no answer within {timeout.TotalSeconds:0.#}s");
        });
        _interval = interval;
    }

    private readonly TimeSpan _interval;

    /// <inheritdoc />
    protected override void PreStart() => Timers.StartPeriodicTimer("check", new Check(), TimeSpan.Zero, _interval);

    private void Failed(StorageHealth health, string error)
    {
        if (health.Current.Reachable || health.Current.LastChecked is null)
            _log.Warning("storage: the journal does not answer: {0}", error);
        health.Failed(DateTimeOffset.UtcNow, error);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;
}
