using System.Globalization;

namespace HyperTune.Trainables.Processes;

/// <summary>
/// A process's descendants, remembered before it is asked to stop: once it exits, its children are re-parented and
/// can no longer be found through it, yet they must not outlive the trial.
/// </summary>
internal static class ProcessTree
{
    /// <summary>A process identified by its id and start time (so a reused id is not mistaken for it).</summary>
    public readonly record struct Member(int Pid, string StartTime);

    /// <summary>The descendants of <paramref name="root"/> (Linux /proc; empty elsewhere or when unreadable).</summary>
    public static IReadOnlyList<Member> Descendants(int root)
    {
        if (!OperatingSystem.IsLinux()) return Array.Empty<Member>();
        var parents = new Dictionary<int, List<Member>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is not { } stat) continue;
            if (!parents.TryGetValue(stat.ParentPid, out var children))
                parents[stat.ParentPid] = children = new List<Member>();
            children.Add(new Member(pid, stat.StartTime));
        }
        var found = new List<Member>();
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.Count > 0)
            foreach (var child in parents.GetValueOrDefault(queue.Dequeue()) ?? new List<Member>())
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        return found;
    }

    /// <summary>Kills the members still running as the same processes (SIGKILL).</summary>
    public static void Kill(IEnumerable<Member> members)
    {
        foreach (var m in members)
            if (Stat(m.Pid) is { } stat && stat.StartTime == m.StartTime)
                SignalNative.Kill(m.Pid, SignalNative.SigKill);
    }

    private static (int ParentPid, string StartTime)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid ... starttime(22nd field) ...": comm may hold spaces and parentheses.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), fields[19]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException
                                       or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
