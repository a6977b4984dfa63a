using System.Diagnostics;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks;

/// <summary>A scheduler that adds up the time its calls take: how much a study's decisions cost.</summary>
public sealed class TimedScheduler(ITrialScheduler inner) : ITrialScheduler
{
    private readonly Stopwatch _stopwatch = new();

    /// <summary>Calls made.</summary>
    public int Calls { get; private set; }

    /// <summary>Time spent in them.</summary>
    public TimeSpan Elapsed => _stopwatch.Elapsed;

    /// <inheritdoc />
    public bool PausesTrials => inner.PausesTrials;

    /// <inheritdoc />
    public bool CopiesCheckpoints => inner.CopiesCheckpoints;

    /// <inheritdoc />
    public ReportDecision OnReport(TrialHistory history, int trialNumber) =>
        Time(() => inner.OnReport(history, trialNumber));

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context) => Time(() => inner.OnSlotFree(context));

    /// <inheritdoc />
    public long KeptCheckpointsNeededFrom(SchedulerContext context) =>
        Time(() => inner.KeptCheckpointsNeededFrom(context));

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => inner.Rungs(history);

    private T Time<T>(Func<T> call)
    {
        Calls++;
        _stopwatch.Start();
        try
        {
            return call();
        }
        finally
        {
            _stopwatch.Stop();
        }
    }
}
