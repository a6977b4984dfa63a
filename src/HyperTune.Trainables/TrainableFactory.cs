using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;
using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables;

/// <summary>Creates the trainable a study spec names in <c>trainable.type</c>.</summary>
public static class TrainableFactory
{
    /// <summary>The trainable types a spec may use.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = new[] { "function", "process", MlNet.MlNetTrainable.TypeName, InProcess.InProcessTrainables.TypeName,
        Assemblies.AssemblyTrainable.TypeName };

    /// <summary>Creates (and so validates) the spec's trainable.</summary>
    /// <exception cref="SpecException">Unknown type or bad fields.</exception>
    public static ITrainable Create(StudySpec spec)
    {
        var trainable = Create(spec.Trainable, spec.Space);
        if (trainable is MlNet.MlNetTrainable ml) ml.CheckMetrics(spec.Objective);
        return trainable;
    }

    /// <summary>
    /// Creates a trainable from its own fields. With <paramref name="space"/>, the fields are also checked against
    /// the search space; a worker passes null, since the spec was checked whole when it was submitted and trial
    /// messages carry only the trainable.
    /// </summary>
    /// <exception cref="SpecException">Unknown type or bad fields.</exception>
    public static ITrainable Create(TrainableSpec trainable, SearchSpace? space) =>
        trainable.Type.ToLowerInvariant() switch
        {
            "function" when IsPbtToy(trainable) => new PbtToyTrainable(trainable.Reader(), space),
            "function" => new FunctionTrainable(trainable.Reader(), space),
            "process" => new ProcessTrainable(trainable.Reader()),
            MlNet.MlNetTrainable.TypeName => new MlNet.MlNetTrainable(trainable.Reader(), space),
            InProcess.InProcessTrainables.TypeName => InProcess.InProcessTrainables.Resolve(trainable.Reader()),
            // Checked, never loaded: only a worker loads user code (Load).
            Assemblies.AssemblyTrainable.TypeName => new Assemblies.AssemblyTrainableReference(trainable.Reader()),
            var other => throw new SpecException("trainable.type", $"unknown trainable type '{other}'; known: {string.Join(", ", KnownTypes)}{JsonSettings.Suggest(other, KnownTypes)}"),
        };

    /// <summary>
    /// The trainable a worker runs: as <see cref="Create(TrainableSpec, SearchSpace?)"/>, except that an
    /// <c>assembly</c> trainable's assembly is loaded and its class created. Call it only after the node's
    /// <see cref="Assemblies.AssemblyPolicy"/> allowed the path.
    /// </summary>
    /// <exception cref="SpecException">Unknown type or bad fields; the assembly or class cannot be loaded.</exception>
    public static ITrainable Load(TrainableSpec trainable) =>
        string.Equals(trainable.Type, Assemblies.AssemblyTrainable.TypeName, StringComparison.OrdinalIgnoreCase)
            ? Assemblies.AssemblyTrainable.Create(trainable.Reader())
            : Create(trainable, space: null);

    private static bool IsPbtToy(TrainableSpec trainable) =>
        trainable.Settings.ValueKind == System.Text.Json.JsonValueKind.Object
        && trainable.Settings.TryGetProperty("function", out var name)
        && name.ValueKind == System.Text.Json.JsonValueKind.String
        && string.Equals(name.GetString(), PbtToyProblem.Name, StringComparison.OrdinalIgnoreCase);
}
