using System.Runtime.InteropServices;

namespace HyperTune.Trainables.Processes;

/// <summary>
/// Which programs a node lets process trainables start: the allow-list of
/// <c>hypertune.trainables.process.allowed-commands</c>. A spec's command is resolved the way the process start
/// will resolve it (an absolute path as is; otherwise the runtime's directory, the current directory, then
/// <c>PATH</c>), symbolic links are followed on both sides, and the real paths are compared. Anyone who may submit
/// a spec chooses the arguments and environment of an allowed program, so an interpreter on the list lets them
/// run anything.
/// </summary>
public sealed class ProcessCommandPolicy
{
    /// <summary>The config key that holds the allow-list.</summary>
    public const string ConfigKey = "hypertune.trainables.process.allowed-commands";

    private readonly HashSet<string> _allowedRealPaths;

    /// <summary>Allows the given commands: absolute paths, or bare names looked up on this process's <c>PATH</c>.</summary>
    /// <exception cref="ArgumentException">An entry is relative but not a bare name (it would depend on the directory).</exception>
    public ProcessCommandPolicy(IEnumerable<string> allowedCommands)
    {
        AllowedCommands = allowedCommands.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct().ToArray();
        _allowedRealPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in AllowedCommands)
        {
            if (!Path.IsPathRooted(entry) && HasDirectory(entry))
                throw new ArgumentException($"{ConfigKey}: '{entry}' must be an absolute path or a bare program name");
            var resolved = Path.IsPathRooted(entry) ? entry : FindOnPath(entry);
            if (resolved is not null) _allowedRealPaths.Add(RealPath(resolved));
        }
    }

    /// <summary>A policy that allows no process trainable at all (the default of a cluster node).</summary>
    public static ProcessCommandPolicy None { get; } = new(Array.Empty<string>());

    /// <summary>The configured entries, as given.</summary>
    public IReadOnlyList<string> AllowedCommands { get; }

    /// <summary>Null when <paramref name="command"/> may run on this node; otherwise why not, naming the config key.</summary>
    public string? Refusal(string command)
    {
        var resolved = Resolve(command);
        if (resolved is not null && _allowedRealPaths.Contains(RealPath(resolved))) return null;
        var what = resolved is null
            ? $"process trainable command '{command}' was not found on this node"
            : $"process trainable command '{command}'" + (resolved == command ? "" : $" (resolved to {RealPath(resolved)})");
        var allowed = AllowedCommands.Count == 0 ? "none" : string.Join(", ", AllowedCommands);
        return $"{what} is not allowed on this node: add it to {ConfigKey} in the node's config (allowed now: {allowed})";
    }

    /// <summary>The file a process start would run for <paramref name="command"/>, or null when there is none.</summary>
    public static string? Resolve(string command)
    {
        if (string.IsNullOrWhiteSpace(command)) return null;
        if (Path.IsPathRooted(command)) return command;
        // Mirrors System.Diagnostics.Process on Unix: the runtime's own directory, the current directory, then PATH.
        foreach (var dir in new[] { Path.GetDirectoryName(Environment.ProcessPath), Directory.GetCurrentDirectory() })
        {
            if (dir is null) continue;
            var candidate = Path.GetFullPath(Path.Combine(dir, command));
            if (File.Exists(candidate)) return candidate;
        }
        return HasDirectory(command) ? null : FindOnPath(command);
    }

    private static bool HasDirectory(string command) =>
        command.Contains('/') || command.Contains(Path.DirectorySeparatorChar);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);

    /// <summary>The path with every symbolic link resolved (the path itself when it does not exist).</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows()) return full;
        var buffer = NativeRealPath(full, IntPtr.Zero);
        if (buffer == IntPtr.Zero) return full;
        try
        {
            return Marshal.PtrToStringUTF8(buffer) ?? full;
        }
        finally
        {
            NativeFree(buffer);
        }
    }

    [DllImport("libc", EntryPoint = "realpath")]
    private static extern IntPtr NativeRealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void NativeFree(IntPtr pointer);
}
