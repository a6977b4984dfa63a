using HyperTune.Core.Specs;

namespace HyperTune.Trainables.Assemblies;

/// <summary>
/// What a study spec's <c>assembly</c> trainable says, checked without loading anything: the coordinator and the API
/// validate a spec with it (loading a user's assembly runs its code, which only a worker whose node allows it may do,
/// through <see cref="TrainableFactory.Load"/>). <c>checkpoints</c> and <c>steps</c> declare what a process trainable
/// declares with the same fields.
/// </summary>
public sealed class AssemblyTrainableReference : ITrainable
{
    /// <summary>Reads and checks <c>path</c> (absolute), <c>class</c>, <c>settings</c>, <c>checkpoints</c>, <c>steps</c>.</summary>
    /// <exception cref="SpecException">A field is missing or bad.</exception>
    public AssemblyTrainableReference(JsonSettings settings)
    {
        Path = settings.RequireString("path");
        ClassName = settings.RequireString("class");
        if (settings.GetElement("settings") is { } s && s.ValueKind != System.Text.Json.JsonValueKind.Object)
            throw new SpecException(settings.PathOf("settings"), $"expected an object, got {JsonSettings.Describe(s)}");
        CanResume = settings.GetBool("checkpoints", false);
        TotalSteps = settings.GetOptionalLong("steps", 1, 1_000_000_000);
        settings.EnsureNoUnknownFields();
        if (!System.IO.Path.IsPathRooted(Path))
            throw new SpecException(settings.PathOf("path"), $"'{Path}' is relative: give an absolute path (hypertune " +
                                                             "run and study submit make a spec file's paths absolute)");
    }

    /// <summary>The assembly's path.</summary>
    public string Path { get; }

    /// <summary>The class's full name.</summary>
    public string ClassName { get; }

    /// <inheritdoc />
    public bool CanResume { get; }

    /// <inheritdoc />
    public long? TotalSteps { get; }

    /// <inheritdoc />
    public Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("an assembly trainable runs only once a worker has loaded it");
}
