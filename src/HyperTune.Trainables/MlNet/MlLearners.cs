using HyperTune.Core.Specs;

namespace HyperTune.Trainables.MlNet;

/// <summary>The learners an ML.NET trainable may name in <c>trainable.learner</c>.</summary>
public static class MlLearners
{
    private static readonly MlLearner[] All =
        [new LightGbmLearner(), new FastTreeLearner(), new FastForestLearner(), new SdcaLearner(), new LbfgsLearner()];

    /// <summary>The learners' names.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(l => l.Name).ToArray();

    /// <summary>The learner named <paramref name="name"/> (any case).</summary>
    /// <exception cref="SpecException">Unknown name, with the known ones.</exception>
    public static MlLearner Get(string name, string field) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new SpecException(field, $"unknown learner '{name}'; known: {string.Join(", ", Names)}{JsonSettings.Suggest(name, Names)}");
}
