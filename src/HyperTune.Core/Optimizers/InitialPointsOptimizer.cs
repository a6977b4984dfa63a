using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers;

/// <summary>
/// Evaluates configurations the spec lists first (<c>optimizer.initial</c>, as Optuna's <c>enqueue_trial</c>): a
/// known good default, a previous study's best, or a population's starting members. Trial <c>i</c> is the
/// <c>i</c>-th listed configuration; later trials come from the wrapped optimizer, which sees them in the history.
/// </summary>
public sealed class InitialPointsOptimizer : IOptimizer
{
    /// <summary>The attribute marking a trial that came from the list (its index there).</summary>
    public const string Attribute = "initial.index";

    private readonly IOptimizer _inner;

    /// <summary>Wraps <paramref name="inner"/> behind <paramref name="points"/>.</summary>
    public InitialPointsOptimizer(IOptimizer inner, IReadOnlyList<Configuration> points)
    {
        _inner = inner;
        Points = points;
    }

    /// <summary>The listed configurations, in order.</summary>
    public IReadOnlyList<Configuration> Points { get; }

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber) =>
        trialNumber < Points.Count
            ? new TrialSuggestion(Points[trialNumber])
            {
                Attributes = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty
                    .Add(Attribute, trialNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            }
            : _inner.Ask(history, trialNumber);

    /// <summary>Reads <c>optimizer.initial</c>: an array of complete configurations of the space.</summary>
    /// <exception cref="SpecException">Not an array of objects, or a configuration the space does not hold.</exception>
    public static IReadOnlyList<Configuration>? Read(JsonSettings settings, SearchSpace space)
    {
        if (settings.GetArray("initial") is not { } items) return null;
        return items.Select(i => ConfigurationReader.Read(i.Element, i.Path, space)).ToList();
    }
}
