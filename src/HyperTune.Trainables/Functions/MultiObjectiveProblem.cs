using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// A built-in multi-objective benchmark problem: objectives reported as metrics <c>f1</c>, <c>f2</c>, ... (all
/// minimized), a reference point and the hypervolume of its true Pareto front, so a study's front can be scored by
/// hypervolume regret.
/// </summary>
/// <param name="Name">The name a spec uses (<c>"function": "zdt1-4d"</c>).</param>
/// <param name="Space">The problem's standard search space.</param>
/// <param name="Evaluate">The objectives of a configuration.</param>
/// <param name="Reference">The reference point of the hypervolume.</param>
/// <param name="FrontHypervolume">The hypervolume of the true Pareto front with respect to <paramref name="Reference"/>.</param>
public sealed record MultiObjectiveProblem(
    string Name,
    SearchSpace Space,
    Func<IReadOnlyDictionary<string, object>, double[]> Evaluate,
    double[] Reference,
    double FrontHypervolume)
{
    /// <summary>How many objectives the problem has.</summary>
    public int Objectives => Reference.Length;

    /// <summary>The metric names of the objectives: <c>f1</c>, <c>f2</c>, ...</summary>
    public IReadOnlyList<string> MetricNames => Enumerable.Range(1, Objectives).Select(k => $"f{k}").ToArray();

    /// <summary>The objectives of a study of this problem (all minimized).</summary>
    public IReadOnlyList<ObjectiveMetric> ObjectiveMetrics =>
        MetricNames.Select(n => new ObjectiveMetric(n, StudyDirection.Minimize)).ToArray();

    /// <summary>The objectives of a configuration as named metrics.</summary>
    public Dictionary<string, double> Metrics(IReadOnlyDictionary<string, object> config)
    {
        var values = Evaluate(config);
        return MetricNames.Select((n, k) => (n, k)).ToDictionary(e => e.n, e => values[e.k]);
    }
}
