using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using HyperTune.Core.Specs;

namespace HyperTune.Trainables.Assemblies;

/// <summary>
/// A trainable written in C# and loaded from a user's assembly (<c>"trainable": {"type": "assembly", "path": "...",
/// "class": "...", "settings": {...}}</c>), so a cluster runs user code without a separate process. The class
/// implements <see cref="ITrainable"/> and has a public constructor taking a <see cref="JsonElement"/> (the
/// <c>settings</c> object) or none. Each assembly is loaded once per process in its own load context, which shares
/// HyperTune's own assemblies with the host (so the interface is the same type) and resolves the assembly's other
/// dependencies from its folder. A node loads only assemblies listed in its
/// <c>hypertune.trainables.assembly.allowed-paths</c> (<see cref="AssemblyPolicy"/>).
/// </summary>
public static class AssemblyTrainable
{
    /// <summary>The spec's name for this trainable type.</summary>
    public const string TypeName = "assembly";

    private static readonly ConcurrentDictionary<string, Lazy<Assembly>> Loaded = new(StringComparer.Ordinal);

    /// <summary>Loads the assembly (once per process) and creates the named class with the spec's settings.</summary>
    /// <exception cref="SpecException">The file, the class or a suitable constructor is missing, naming what is.</exception>
    public static ITrainable Create(JsonSettings settings)
    {
        var path = settings.RequireString("path");
        var className = settings.RequireString("class");
        var userSettings = settings.GetElement("settings") ?? JsonDocument.Parse("{}").RootElement;
        // Declared for the coordinator (AssemblyTrainableReference); the loaded class answers for itself.
        settings.GetBool("checkpoints", false);
        settings.GetOptionalLong("steps");
        settings.EnsureNoUnknownFields();
        if (!Path.IsPathRooted(path))
            throw new SpecException(settings.PathOf("path"), $"'{path}' is relative: give an absolute path");
        if (!File.Exists(path)) throw new SpecException(settings.PathOf("path"), $"no assembly at '{path}' on this node");
        Assembly assembly;
        try
        {
            assembly = Loaded.GetOrAdd(Path.GetFullPath(path), full => new Lazy<Assembly>(() => Load(full))).Value;
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
        {
            Loaded.TryRemove(Path.GetFullPath(path), out _);
            throw new SpecException(settings.PathOf("path"), $"'{path}' is not a .NET assembly this node can load: {e.Message}");
        }
        var type = assembly.GetType(className, throwOnError: false);
        if (type is null)
        {
            var candidates = Trainables(assembly).Select(t => t.FullName).ToArray();
            throw new SpecException(settings.PathOf("class"), $"no class '{className}' in {Path.GetFileName(path)}; " +
                $"classes implementing ITrainable there: {(candidates.Length == 0 ? "none" : string.Join(", ", candidates))}" +
                JsonSettings.Suggest(className, candidates!));
        }
        if (!typeof(ITrainable).IsAssignableFrom(type) || type.IsAbstract)
            throw new SpecException(settings.PathOf("class"),
                $"'{className}' does not implement {typeof(ITrainable).FullName} (or is abstract)");
        try
        {
            if (type.GetConstructor([typeof(JsonElement)]) is { } withSettings)
                return (ITrainable)withSettings.Invoke([userSettings.Clone()]);
            if (type.GetConstructor(Type.EmptyTypes) is { } plain)
                return (ITrainable)plain.Invoke(null);
        }
        catch (TargetInvocationException e)
        {
            throw new SpecException(settings.PathOf("settings"),
                $"'{className}' refused its settings: {e.InnerException?.Message ?? e.Message}");
        }
        throw new SpecException(settings.PathOf("class"),
            $"'{className}' needs a public constructor taking a JsonElement (its settings) or no arguments");
    }

    private static IEnumerable<Type> Trainables(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes().Where(t => typeof(ITrainable).IsAssignableFrom(t) && !t.IsAbstract);
        }
        catch (ReflectionTypeLoadException)
        {
            return [];
        }
    }

    private static Assembly Load(string path) => new UserAssemblyContext(path).LoadFromAssemblyPath(path);

    /// <summary>
    /// Resolves a user assembly's dependencies from its folder, except the assemblies the host already has (HyperTune,
    /// the runtime), which must be the host's own for the interface types to match.
    /// </summary>
    private sealed class UserAssemblyContext(string path) : AssemblyLoadContext($"hypertune-trainable:{path}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))) return null;
            return _resolver.ResolveAssemblyToPath(name) is { } file ? LoadFromAssemblyPath(file) : null;
        }
    }
}
