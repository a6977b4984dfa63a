using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.Assemblies;

/// <summary>
/// Which assemblies a node lets <c>assembly</c> trainables load: <c>hypertune.trainables.assembly.allowed-paths</c>
/// (absolute paths; none by default). Loading an assembly runs its code as the node's user, so the list is as
/// sensitive as the process allow-list. Paths are compared after resolving symbolic links.
/// </summary>
public sealed class AssemblyPolicy
{
    /// <summary>The config key that holds the allowed assemblies.</summary>
    public const string ConfigKey = "hypertune.trainables.assembly.allowed-paths";

    private readonly HashSet<string> _realPaths;

    /// <summary>Allows the given assemblies (absolute paths).</summary>
    /// <exception cref="ArgumentException">A path is relative.</exception>
    public AssemblyPolicy(IEnumerable<string> paths)
    {
        Allowed = paths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).Distinct().ToArray();
        foreach (var p in Allowed)
            if (!Path.IsPathRooted(p)) throw new ArgumentException($"{ConfigKey}: '{p}' must be an absolute path");
        _realPaths = Allowed.Select(ProcessCommandPolicy.RealPath).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A policy that allows no assembly (the default of a cluster node).</summary>
    public static AssemblyPolicy None { get; } = new(Array.Empty<string>());

    /// <summary>The configured paths, as given.</summary>
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>Null when the assembly at <paramref name="path"/> may be loaded here; otherwise why not.</summary>
    public string? Refusal(string path)
    {
        if (Path.IsPathRooted(path) && _realPaths.Contains(ProcessCommandPolicy.RealPath(path))) return null;
        var allowed = Allowed.Count == 0 ? "none" : string.Join(", ", Allowed);
        return $"assembly '{path}' is not allowed on this node: add it to {ConfigKey} in the node's config " +
               $"(allowed now: {allowed})";
    }
}
