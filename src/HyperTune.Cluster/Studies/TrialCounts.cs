using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// How many of a study's trials are in each state and the steps they reported (each trial's last step), kept by
/// <see cref="StudyState"/> with every change so a progress report costs the same at 100 trials and at 100,000.
/// </summary>
public readonly record struct TrialCounts
{
    /// <summary>Waiting for a worker.</summary>
    public int Waiting { get; init; }

    /// <summary>Dispatched to a worker (queued there or executing).</summary>
    public int Running { get; init; }

    /// <summary>Paused at a step with a checkpoint.</summary>
    public int Paused { get; init; }

    /// <summary>Completed with a value.</summary>
    public int Complete { get; init; }

    /// <summary>Stopped by the scheduler.</summary>
    public int Pruned { get; init; }

    /// <summary>Failed for good.</summary>
    public int Failed { get; init; }

    /// <summary>Cancelled (the study stopped).</summary>
    public int Cancelled { get; init; }

    /// <summary>The sum of every trial's last reported step.</summary>
    public long Steps { get; init; }

    /// <summary>The counts of a list of trials, by scanning it.</summary>
    public static TrialCounts Of(IEnumerable<TrialRecord> trials)
    {
        var counts = new TrialCounts();
        foreach (var t in trials) counts = counts.Added(t.State, 1) with { Steps = counts.Steps + StepOf(t) };
        return counts;
    }

    /// <summary>
    /// The counts after a trial changed from <paramref name="before"/> (null: a new trial) to <paramref name="after"/>.
    /// </summary>
    public TrialCounts Changed(TrialRecord? before, TrialRecord after)
    {
        var counts = before is null ? Added(after.State, 1)
            : before.State == after.State ? this : Added(before.State, -1).Added(after.State, 1);
        return counts with { Steps = counts.Steps + StepOf(after) - (before is null ? 0 : StepOf(before)) };
    }

    private static long StepOf(TrialRecord t) => t.LastIntermediate?.Step ?? 0;

    private TrialCounts Added(TrialState state, int delta) => state switch
    {
        TrialState.Waiting => this with { Waiting = Waiting + delta },
        TrialState.Running => this with { Running = Running + delta },
        TrialState.Paused => this with { Paused = Paused + delta },
        TrialState.Complete => this with { Complete = Complete + delta },
        TrialState.Pruned => this with { Pruned = Pruned + delta },
        TrialState.Failed => this with { Failed = Failed + delta },
        TrialState.Cancelled => this with { Cancelled = Cancelled + delta },
        _ => this,
    };
}
