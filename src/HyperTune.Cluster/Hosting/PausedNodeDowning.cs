using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Downs this node when the process was paused (SIGSTOP, a VM suspended, a very long stall) for so long that the
/// other members may have downed it meanwhile: longer than they take to decide (the failure detector's acceptable
/// pause plus the split-brain resolver's stable-after). Such a node's view of the cluster is from before the pause;
/// if it stayed, its own resolver could later take the downing lease, which the others held only for
/// <c>release-after</c>, and down them in its view, living on as a cluster of one (seen in the integration suite after
/// a 30 s freeze). Being downed by the others is told by quarantine (<see cref="QuarantinedNodeDowning"/>) only when a
/// message gets through; the pause itself is known at once. A dedicated thread measures it, so a busy thread pool
/// does not look like a pause. A node that is the only member (one machine; a laptop that slept) carries on.
/// </summary>
public sealed class PausedNodeDowning : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly ActorSystem _system;
    private readonly TimeSpan _threshold;
    private readonly ILoggingAdapter _log;
    private readonly Thread _thread;
    private volatile bool _stopped;

    private PausedNodeDowning(ActorSystem system, TimeSpan threshold)
    {
        _system = system;
        _threshold = threshold;
        _log = Logging.GetLogger(system, typeof(PausedNodeDowning));
        _thread = new Thread(Watch) { IsBackground = true, Name = "hypertune-pause-watch" };
        _thread.Start();
    }

    /// <summary>
    /// Starts watching per <c>hypertune.node.down-after-pause</c>: <c>auto</c> (the default) for the failure detector's
    /// acceptable pause plus the resolver's stable-after, a duration, or <c>off</c>; null when off.
    /// </summary>
    public static PausedNodeDowning? Start(ActorSystem system) =>
        Threshold(system.Settings.Config) is { } threshold ? new PausedNodeDowning(system, threshold) : null;

    /// <summary>The pause after which the node downs itself, or null when the setting is off.</summary>
    public static TimeSpan? Threshold(Config config)
    {
        var value = config.GetString("hypertune.node.down-after-pause", "auto");
        if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.Equals(value, "auto", StringComparison.OrdinalIgnoreCase))
            return config.GetTimeSpan("hypertune.node.down-after-pause");
        return config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause", TimeSpan.FromSeconds(6))
               + config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after", TimeSpan.FromSeconds(20));
    }

    private void Watch()
    {
        var clock = Stopwatch.StartNew();
        while (!_stopped)
        {
            var before = clock.Elapsed;
            Thread.Sleep(Tick);
            var paused = clock.Elapsed - before - Tick;
            if (_stopped || paused < _threshold) continue;
            var cluster = Akka.Cluster.Cluster.Get(_system);
            // Alone (one machine, a laptop that slept): nobody could have downed it, and leaving would end the run.
            if (cluster.State.Members.All(m => m.Address == cluster.SelfAddress))
            {
                _log.Info("this node was paused for {0:0.0}s; it is the only member, so it carries on", paused.TotalSeconds);
                continue;
            }
            _log.Error("this node was paused for {0:0.0}s, long enough ({1:0.0}s) for the other members to have downed " +
                       "it; leaving the cluster", paused.TotalSeconds, _threshold.TotalSeconds);
            cluster.Down(cluster.SelfAddress);
            return;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopped = true;
}
