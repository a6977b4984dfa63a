using Akka.Configuration;

namespace HyperTune.Cluster.Studies;

/// <summary>The <c>hypertune.study</c> section of the node config.</summary>
/// <param name="SnapshotEvery">Save a snapshot after this many events.</param>
/// <param name="MaxRequeues">Fail a trial that lost its worker more often than this.</param>
/// <param name="ProgressInterval">At most one progress update per watcher per interval.</param>
/// <param name="TickInterval">How often a coordinator re-plans (wall-clock limit, trials waiting for a free worker).</param>
/// <param name="PassivateAfterFinished">How long a finished study with no watchers stays in memory.</param>
/// <param name="DispatchTimeout">A dispatched trial whose worker has not answered within this time is dispatched again
/// (its node may have died just before it was dispatched).</param>
/// <param name="SuspectNodeFor">After a worker vanished without a result, its node gets no new trials for this long
/// (or until membership says whether it is gone).</param>
/// <param name="ReadOnly">Coordinators only answer queries: no trials are planned or dispatched, nothing is written
/// (a node opened just to look at stored studies).</param>
public sealed record StudySettings(int SnapshotEvery, int MaxRequeues, TimeSpan ProgressInterval, TimeSpan TickInterval, TimeSpan PassivateAfterFinished,
    TimeSpan DispatchTimeout, TimeSpan SuspectNodeFor, bool ReadOnly = false)
{
    /// <summary>
    /// A coordinator writes its study's read-model views at most once per interval (and when the study finishes).
    /// </summary>
    public TimeSpan ViewInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A snapshot also waits for this fraction of the study's trial count in events (when that is more than
    /// <see cref="SnapshotEvery"/>): a snapshot holds the whole study, so a large study takes them less often and
    /// their cost per trial stays flat, while recovery replays at most that many events after the snapshot.
    /// </summary>
    public double SnapshotEveryFraction { get; init; } = 0.25;

    /// <summary>
    /// A trial's start on its worker is written with the coordinator's next write, or after this delay at the
    /// latest: a short trial's start and result then cost one journal write.
    /// </summary>
    public TimeSpan StartWriteDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// When a study whose trainable makes a final model (<see cref="Trainables.IRefittable"/>) finishes, its best
    /// trial is refitted on a worker at once (<c>refit-when-finished</c>); off: only when an operator asks.
    /// </summary>
    public bool RefitWhenFinished { get; init; } = true;

    /// <summary>Reads the section.</summary>
    public static StudySettings From(Config config)
    {
        var c = config.GetConfig("hypertune.study");
        return new StudySettings(
            c.GetInt("snapshot-every", 200),
            c.GetInt("max-requeues", 10),
            c.GetTimeSpan("progress-interval", TimeSpan.FromMilliseconds(250)),
            c.GetTimeSpan("tick-interval", TimeSpan.FromSeconds(1)),
            c.GetTimeSpan("passivate-after-finished", TimeSpan.FromMinutes(2)),
            c.GetTimeSpan("dispatch-timeout", TimeSpan.FromSeconds(20)),
            c.GetTimeSpan("suspect-node-for", TimeSpan.FromSeconds(30)),
            c.GetBoolean("read-only", false))
        {
            ViewInterval = c.GetTimeSpan("view-interval", TimeSpan.FromSeconds(1)),
            SnapshotEveryFraction = c.GetDouble("snapshot-every-fraction", 0.25),
            StartWriteDelay = c.GetTimeSpan("start-write-delay", TimeSpan.FromMilliseconds(100)),
            RefitWhenFinished = c.GetBoolean("refit-when-finished", true),
        };
    }
}
