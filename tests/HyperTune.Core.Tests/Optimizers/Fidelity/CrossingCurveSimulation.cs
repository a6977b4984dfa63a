using System.Collections.Immutable;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

/// <summary>
/// A small multi-fidelity study run in the test, without a cluster or a scheduler from Core: a 2-d problem whose
/// learning curves cross (configurations with a small x converge fast, so they lead early, but the final optimum
/// lies at x near 0.7), and a simple stop-at-rung rule (rungs 1, 3, 9, 27: a trial goes on past a rung only while
/// its value there is among the best third of the values earlier trials recorded at that rung). Trials run one
/// after the other until the budget (in steps) is spent.
/// </summary>
/// <param name="Speed">How strongly the curves cross: the slow-converging term is Speed (1 + 2x) / step.</param>
internal sealed record CrossingCurveSimulation(double Speed)
{
    public const int Steps = 27;
    private static readonly long[] Rungs = { 1, 3, 9, 27 };

    public static SearchSpace Space { get; } = new(new FloatParameter("x", 0, 1), new FloatParameter("y", 0, 1));

    /// <summary>The value of a configuration at a step: the final loss plus a slow-converging term.</summary>
    public double Curve(Configuration c, long step)
    {
        var x = c.GetDouble("x");
        var y = c.GetDouble("y");
        return Final(x, y) + Speed * (1 + 2 * x) / step;
    }

    private static double Final(double x, double y) => Math.Pow(x - 0.7, 2) + Math.Pow(y - 0.3, 2);

    /// <summary>The best value at step 27 (the objective), found on the x axis analytically.</summary>
    public double Optimum
    {
        get
        {
            var x = 0.7 - Speed / Steps;
            return Math.Pow(x - 0.7, 2) + Speed * (1 + 2 * x) / Steps;
        }
    }

    /// <summary>
    /// Runs the study; trials the rule stops end in <paramref name="stopped"/> (Pruned, or Paused as a synchronous
    /// scheduler leaves them until the end). Returns the history.
    /// </summary>
    public TrialHistory Run(IOptimizer optimizer, int budgetSteps, TrialState stopped)
    {
        var trials = new List<TrialRecord>();
        var atRung = Rungs.ToDictionary(r => r, _ => new List<double>());
        var spent = 0;
        while (spent < budgetSteps)
        {
            var number = trials.Count;
            var answer = optimizer.Ask(new TrialHistory(trials, StudyDirection.Minimize), number);
            if (answer.Suggestion is not { } suggestion) break;
            var config = suggestion.Params;
            var reports = ImmutableList<IntermediateValue>.Empty;
            var state = TrialState.Complete;
            for (long step = 1; step <= Steps; step++)
            {
                var value = Curve(config, step);
                reports = reports.Add(new IntermediateValue(step, value));
                spent++;
                if (!atRung.TryGetValue(step, out var earlier)) continue;
                var keep = Continues(earlier, value);
                earlier.Add(value);
                if (!keep && step < Steps) { state = stopped; break; }
            }
            var last = reports[^1];
            trials.Add(new TrialRecord(number, state, config)
            {
                Intermediate = reports,
                Value = state == TrialState.Paused ? null : last.Value,
                Attributes = suggestion.Attributes,
            });
        }
        return new TrialHistory(trials, StudyDirection.Minimize);
    }

    private static bool Continues(List<double> earlier, double value)
    {
        if (earlier.Count < 3) return true;
        var sorted = earlier.Order().ToList();
        return value <= sorted[sorted.Count / 3 - 1];
    }

    /// <summary>The regret of a study: the best final value of its complete trials minus the optimum.</summary>
    public double Regret(TrialHistory history) =>
        history.Completed.Min(t => t.Value!.Value) - Optimum;
}
