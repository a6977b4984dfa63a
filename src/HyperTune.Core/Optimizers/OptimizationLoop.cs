using System.Collections.Immutable;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers;

/// <summary>
/// Runs an optimizer against an in-process objective, with no cluster: for tests, benchmarks and quick experiments.
/// With <c>pending</c> greater than one, that many trials are in flight at once (visible to the optimizer as
/// Running) and finish in the order they started, which is how parallel workers look to an optimizer.
/// </summary>
public static class OptimizationLoop
{
    /// <summary>Runs <paramref name="budget"/> trials (fewer if the optimizer runs out) and returns the history.</summary>
    public static TrialHistory Run(IOptimizer optimizer, Func<Configuration, double> objective, int budget,
        StudyDirection direction = StudyDirection.Minimize, int pending = 1, Action<TimeSpan>? onSuggest = null) =>
        Run(optimizer, c => new Dictionary<string, double> { [""] = objective(c) }, budget,
            new[] { new ObjectiveMetric("", direction) }, Array.Empty<MetricConstraint>(), pending, onSuggest);

    /// <summary>
    /// Runs <paramref name="budget"/> trials of an objective that reports named metrics (several objectives,
    /// constrained metrics) and returns the history. A trial whose report lacks a finite value of an objective fails.
    /// </summary>
    public static TrialHistory Run(IOptimizer optimizer, Func<Configuration, IReadOnlyDictionary<string, double>> evaluate,
        int budget, IReadOnlyList<ObjectiveMetric> objectives, IReadOnlyList<MetricConstraint> constraints,
        int pending = 1, Action<TimeSpan>? onSuggest = null)
    {
        if (pending < 1) throw new ArgumentOutOfRangeException(nameof(pending));
        var trials = new List<TrialRecord>(budget);
        var inFlight = new Queue<int>();
        var exhausted = false;
        while (true)
        {
            while (!exhausted && inFlight.Count < pending && trials.Count < budget)
            {
                var number = trials.Count;
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var answer = optimizer.Ask(new TrialHistory(trials, objectives, constraints), number);
                onSuggest?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                // Waiting with nothing in flight would wait forever: it ends the run like exhaustion.
                if (answer.Kind == OptimizerAnswerKind.Exhausted || (answer.Kind == OptimizerAnswerKind.Wait && inFlight.Count == 0))
                {
                    exhausted = true;
                    break;
                }
                if (answer.Suggestion is not { } suggestion) break;
                trials.Add(new TrialRecord(number, TrialState.Running, suggestion.Params) { Attributes = suggestion.Attributes });
                inFlight.Enqueue(number);
            }
            if (inFlight.Count == 0) break;
            var done = inFlight.Dequeue();
            var t = trials[done];
            var metrics = evaluate(t.Params);
            var missing = objectives.FirstOrDefault(o => !metrics.TryGetValue(o.Name, out var v) || !double.IsFinite(v));
            trials[done] = missing is null
                ? t with
                {
                    State = TrialState.Complete, Value = metrics[objectives[0].Name],
                    Metrics = metrics.Count == 1 && objectives[0].Name.Length == 0 ? t.Metrics : metrics.ToImmutableDictionary(),
                }
                : t with { State = TrialState.Failed, FailureReason = $"objective '{missing.Name}' is missing or not finite" };
        }
        return new TrialHistory(trials, objectives, constraints);
    }
}
