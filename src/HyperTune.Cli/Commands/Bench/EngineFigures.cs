namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// What one study of `bench engine` measured, from the trials' own start and finish times: trials per second after
/// start-up, and the time per trial over the first and the last tenth of the study (its growth as the study grows).
/// </summary>
/// <param name="Trials">Trials that finished.</param>
/// <param name="WallSeconds">The whole run, process start to exit.</param>
/// <param name="StartupSeconds">From the process start to the first trial's start.</param>
/// <param name="TrialsPerSecond">Trials over the time from the first start to the last finish.</param>
/// <param name="FirstTenthMs">Milliseconds per trial until a tenth of the trials had finished.</param>
/// <param name="LastTenthMs">Milliseconds per trial over the last tenth.</param>
/// <param name="PeakMb">The process's peak resident memory, when known.</param>
internal sealed record EngineFigures(int Trials, double WallSeconds, double StartupSeconds, double TrialsPerSecond,
    double FirstTenthMs, double LastTenthMs, double? PeakMb)
{
    /// <summary>The CPU time (user and system) the whole run used, start-up included, when known.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>The last tenth's time per trial over the first's (1: no growth).</summary>
    public double Growth => LastTenthMs / FirstTenthMs;

    /// <summary>The figures of trials that started and finished at these times, in a process started at
    /// <paramref name="processStart"/> that ran <paramref name="wallSeconds"/>.</summary>
    /// <exception cref="ArgumentException">No finished trial.</exception>
    public static EngineFigures From(IReadOnlyList<(DateTimeOffset Started, DateTimeOffset Finished)> trials,
        DateTimeOffset processStart, double wallSeconds, double? peakMb)
    {
        if (trials.Count == 0) throw new ArgumentException("no finished trial to measure", nameof(trials));
        var firstStart = trials.Min(t => t.Started);
        var finishes = trials.Select(t => t.Finished).Order().ToList();
        var k = Math.Max(1, trials.Count / 10);
        var span = (finishes[^1] - firstStart).TotalSeconds;
        var first = (finishes[k - 1] - firstStart).TotalMilliseconds / k;
        // With fewer than two tenths the last tenth is the first.
        var last = trials.Count > k ? (finishes[^1] - finishes[^(k + 1)]).TotalMilliseconds / k : first;
        return new EngineFigures(trials.Count, wallSeconds, (firstStart - processStart).TotalSeconds,
            span > 0 ? trials.Count / span : double.PositiveInfinity, first, last, peakMb);
    }
}
