using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;
using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables;

/// <summary>Creates the trainable a study spec names in <c>trainable.type</c>.</summary>
public static class TrainableFactory
{
    /// <summary>The trainable types a spec may use.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = new[] { "function", "process" };

    /// <summary>Creates (and so validates) the spec's trainable.</summary>
    /// <exception cref="SpecException">Unknown type or bad fields.</exception>
    public static ITrainable Create(StudySpec spec) => spec.Trainable.Type.ToLowerInvariant() switch
    {
        "function" => new FunctionTrainable(spec.Trainable.Reader(), spec.Space),
        "process" => new ProcessTrainable(spec.Trainable.Reader()),
        var other => throw new SpecException("trainable.type", $"unknown trainable type '{other}'; known: {string.Join(", ", KnownTypes)}{JsonSettings.Suggest(other, KnownTypes)}"),
    };
}
