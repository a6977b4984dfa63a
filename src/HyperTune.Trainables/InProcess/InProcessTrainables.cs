using System.Collections.Concurrent;
using HyperTune.Core.Specs;

namespace HyperTune.Trainables.InProcess;

/// <summary>
/// Trainables that live in this process, registered by name by a C# program (its objective delegate) and named by a
/// spec as <c>"trainable": {"type": "inprocess", "name": "..."}</c>. Only code running in the process can register
/// one, so a spec from outside can run nothing but what the host registered; on any other node the name is unknown
/// and the trial fails with a message saying so.
/// </summary>
public static class InProcessTrainables
{
    /// <summary>The spec's name for this trainable type.</summary>
    public const string TypeName = "inprocess";

    private static readonly ConcurrentDictionary<string, ITrainable> Registered = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the trainable called <paramref name="name"/>; dispose the result to remove it.</summary>
    public static IDisposable Register(string name, ITrainable trainable)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Registered[name] = trainable;
        return new Registration(name, trainable);
    }

    /// <summary>The trainable a spec's fields name.</summary>
    /// <exception cref="SpecException">No <c>name</c>, or nothing registered under it in this process.</exception>
    public static ITrainable Resolve(JsonSettings settings)
    {
        var name = settings.RequireString("name");
        settings.EnsureNoUnknownFields();
        return Registered.TryGetValue(name, out var trainable)
            ? trainable
            : throw new SpecException(settings.PathOf("name"), $"no in-process objective '{name}' is registered in this " +
                "process: in-process objectives run only on the embedded node of the program that defines them");
    }

    private sealed class Registration(string name, ITrainable trainable) : IDisposable
    {
        public void Dispose() => Registered.TryRemove(new KeyValuePair<string, ITrainable>(name, trainable));
    }
}
