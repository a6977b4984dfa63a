using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// Which folders a node lets ML.NET trainables read data from: <c>hypertune.trainables.mlnet.data-roots</c>. A spec
/// names files by path and a bad row's error quotes what it read, so without a list anyone who may submit a spec
/// could read any file the node's user can. Paths are compared after resolving symbolic links and <c>..</c>, so a
/// link inside a root that points outside it is refused. None allowed by default; <c>hypertune run</c> allows the
/// folders of its own spec's data files.
/// </summary>
public sealed class DataRootPolicy
{
    /// <summary>The config key that holds the folders.</summary>
    public const string ConfigKey = "hypertune.trainables.mlnet.data-roots";

    private readonly string[] _realRoots;

    /// <summary>Allows files under the given absolute folders.</summary>
    /// <exception cref="ArgumentException">A folder is not an absolute path.</exception>
    public DataRootPolicy(IEnumerable<string> roots)
    {
        Roots = roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct().ToArray();
        foreach (var root in Roots)
            if (!Path.IsPathRooted(root)) throw new ArgumentException($"{ConfigKey}: '{root}' must be an absolute path");
        _realRoots = Roots.Select(r => Path.TrimEndingDirectorySeparator(ProcessCommandPolicy.RealPath(r))).ToArray();
    }

    /// <summary>A policy that allows no data at all (the default of a cluster node).</summary>
    public static DataRootPolicy None { get; } = new(Array.Empty<string>());

    /// <summary>The configured folders, as given.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Null when every data file of <paramref name="trainable"/> may be read here; otherwise why not.</summary>
    public string? Refusal(MlNetTrainable trainable)
    {
        foreach (var path in new[] { trainable.Data.TrainPath, trainable.Data.TestPath }.OfType<string>())
        {
            if (!Path.IsPathRooted(path))
                return $"data file '{path}' is relative: on a node, give absolute paths (hypertune study submit makes " +
                       "a spec file's paths absolute)";
            var real = ProcessCommandPolicy.RealPath(path);
            if (_realRoots.Any(root => real.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))) continue;
            var allowed = Roots.Count == 0 ? "none" : string.Join(", ", Roots);
            return $"data file '{path}'" + (real == path ? "" : $" (resolved to {real})") + " is not under a folder this " +
                   $"node reads data from: add its folder to {ConfigKey} in the node's config (allowed now: {allowed})";
        }
        return null;
    }
}
