using System.Globalization;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using Spectre.Console;

namespace HyperTune.Cli.Output;

/// <summary>
/// Shows a study's progress on stderr (stdout stays clean for results and <c>--json</c>): a live progress bar on
/// a terminal, or a plain line per change (at most one a second) when stderr is redirected.
/// </summary>
public sealed class ProgressView
{
    private readonly TextWriter _plain;
    private readonly bool _live;
    private DateTime _lastPlain = DateTime.MinValue;
    private int _lastDone = -1;
    private long _lastSteps = -1;
    private readonly System.Diagnostics.Stopwatch _following = new();
    private int _doneAtStart = -1;

    /// <summary>Creates a view; <paramref name="live"/> picks the progress bar.</summary>
    public ProgressView(bool live, TextWriter? plain = null)
    {
        _live = live;
        _plain = plain ?? Console.Error;
    }

    /// <summary>True when stderr is an interactive terminal.</summary>
    public static bool StderrIsTerminal => !Console.IsErrorRedirected;

    /// <summary>
    /// One line describing progress: done/budget, running, failed, pruned and paused, training steps spent (when
    /// trials report steps), best so far.
    /// </summary>
    public static string Describe(StudyProgress p)
    {
        // Several objectives have no single best: the size of the Pareto front says how the search goes.
        var best = p.Front is { Count: > 0 } front ? $"Pareto front of {front.Count}"
            : p.Best is { } b ? $"best {Format(b.Value)} (trial {b.Number})" : "no result yet";
        var pruned = (p.Pruned > 0 ? $", pruned {p.Pruned}" : "") + (p.Paused > 0 ? $", paused {p.Paused}" : "");
        var waiting = (p.Queued > 0 ? $", queued {p.Queued}" : "") + (p.Waiting > 0 ? $", waiting {p.Waiting}" : "");
        var cancelled = p.Cancelled > 0 ? $", cancelled {p.Cancelled}" : "";
        // Steps are what early stopping saves; trials alone undercount the work left when trials stop early.
        var steps = p.Steps > 0 ? $", {p.Steps} steps" : "";
        return $"[{p.Done}/{p.MaxTrials}] running {p.Running}{waiting}, failed {p.Failed}{pruned}{cancelled}{steps}, {best}";
    }

    /// <summary>
    /// The pace of this run (trials finished per second since it began following, a resumed study's earlier trials
    /// left out) and the time left at that pace: ", 2.5 trials/s, ETA 40s"; empty before the first trial finished.
    /// </summary>
    public string Pace(StudyProgress p)
    {
        if (_doneAtStart < 0)
        {
            _doneAtStart = p.Done;
            _following.Restart();
        }
        return PaceOf(p.Done - _doneAtStart, _following.Elapsed, p.MaxTrials - p.Done,
            p.Status == StudyStatus.Finished);
    }

    /// <summary>The pace text for <paramref name="finished"/> trials in <paramref name="elapsed"/>.</summary>
    public static string PaceOf(int finished, TimeSpan elapsed, int left, bool over)
    {
        if (finished <= 0 || elapsed <= TimeSpan.Zero) return "";
        var rate = finished / elapsed.TotalSeconds;
        var pace = rate >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.#} trials/s")
            : string.Create(CultureInfo.InvariantCulture, $"{rate * 60:0.#} trials/min");
        if (over || left <= 0) return $", {pace}";
        var eta = TimeSpan.FromSeconds(left / rate);
        var etaText = eta.TotalHours >= 1 ? $"{(int)eta.TotalHours}h{eta.Minutes:00}m"
            : eta.TotalMinutes >= 1 ? $"{(int)eta.TotalMinutes}m{eta.Seconds:00}s"
            : $"{Math.Ceiling(eta.TotalSeconds):0}s";
        return $", {pace}, ETA {etaText}";
    }

    /// <summary>Follows the updates until the study finishes (or the stream ends) and returns the last one.</summary>
    public async Task<StudyProgress?> FollowAsync(IAsyncEnumerable<StudyProgress> updates, CancellationToken cancellationToken)
    {
        if (!_live) return await FollowPlainAsync(updates).ConfigureAwait(false);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        StudyProgress? last = null;
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask? task = null;
                await foreach (var p in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    last = p;
                    task ??= ctx.AddTask(Markup.Escape(p.StudyId), maxValue: Math.Max(1, p.MaxTrials));
                    task.MaxValue = Math.Max(1, p.MaxTrials);
                    task.Value = p.Done;
                    task.Description = Markup.Escape(Describe(p) + Pace(p));
                    if (p.Status == StudyStatus.Finished)
                    {
                        task.Value = task.MaxValue;
                        task.StopTask();
                    }
                }
            }).ConfigureAwait(false);
        return last;
    }

    private async Task<StudyProgress?> FollowPlainAsync(IAsyncEnumerable<StudyProgress> updates)
    {
        StudyProgress? last = null;
        await foreach (var p in updates.ConfigureAwait(false))
        {
            last = p;
            var now = DateTime.UtcNow;
            // Steps advance while trials run, so a long trial shows progress before the trial count moves.
            var changed = p.Done != _lastDone || p.Steps != _lastSteps;
            if (p.Status == StudyStatus.Finished || (changed && now - _lastPlain >= TimeSpan.FromSeconds(1)))
            {
                _plain.WriteLine($"{p.StudyId} {Describe(p)}{Pace(p)}");
                _lastPlain = now;
                _lastDone = p.Done;
                _lastSteps = p.Steps;
            }
        }
        return last;
    }

    /// <summary>A metric value for humans.</summary>
    public static string Format(double value) => value.ToString("G7", CultureInfo.InvariantCulture);

    /// <summary>A configuration for humans.</summary>
    public static string Format(Configuration config) => config.ToString();
}
