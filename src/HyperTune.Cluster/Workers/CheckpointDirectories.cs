namespace HyperTune.Cluster.Workers;

/// <summary>
/// Where a node keeps trial checkpoints: <c>{root}/{study}/{incarnation}/trial-{n}</c> for a trial's own (the
/// trainable writes it), and <c>{root}/{study}/{incarnation}/kept/trial-{n}/step-{s}</c> for copies kept when a
/// trial paused at a step, which other trials of a population start from. Copies are written under a temporary
/// name and renamed, so a reader never sees half of one.
/// </summary>
public static class CheckpointDirectories
{
    /// <summary>The trial's own checkpoint directory.</summary>
    public static string Trial(string root, string studyId, string incarnation, int number) =>
        Path.GetFullPath(Path.Combine(root, studyId, incarnation, $"trial-{number}"));

    /// <summary>The copy of trial <paramref name="number"/>'s checkpoint kept at <paramref name="step"/>.</summary>
    public static string Kept(string root, string studyId, string incarnation, int number, long step) =>
        Path.Combine(KeptRoot(root, studyId, incarnation), $"trial-{number}", $"step-{step}");

    // The folder of every copy kept for one incarnation of a study.
    private static string KeptRoot(string root, string studyId, string incarnation) =>
        Path.GetFullPath(Path.Combine(root, studyId, incarnation, "kept"));

    /// <summary>The steps at which copies of trial <paramref name="number"/>'s checkpoint are kept, with their
    /// directories.</summary>
    public static IEnumerable<(long Step, string Directory)> KeptSteps(string root, string studyId, string incarnation,
        int number)
    {
        var directory = Path.GetDirectoryName(Kept(root, studyId, incarnation, number, 0))!;
        if (!Directory.Exists(directory)) yield break;
        foreach (var kept in Directory.EnumerateDirectories(directory, "step-*"))
            if (long.TryParse(Path.GetFileName(kept)["step-".Length..], out var step))
                yield return (step, kept);
    }

    /// <summary>Deletes the copies of trial <paramref name="number"/>'s checkpoint kept at steps below
    /// <paramref name="step"/>.</summary>
    public static void DiscardKept(string root, string studyId, string incarnation, int number, long step)
    {
        foreach (var (kept, directory) in KeptSteps(root, studyId, incarnation, number).ToList())
            if (kept < step) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Deletes every copy kept for one incarnation of a study (its trials' own directories stay).</summary>
    public static void DiscardAllKept(string root, string studyId, string incarnation)
    {
        var kept = KeptRoot(root, studyId, incarnation);
        if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
    }

    /// <summary>Deletes every checkpoint of a study under <paramref name="root"/>: its trials' own and the kept
    /// copies, of all its incarnations.</summary>
    public static void DeleteStudy(string root, string studyId)
    {
        if (!TryDeleteStudyFolder(root, studyId))
            throw new ArgumentException($"study id '{studyId}' is not a plain name", nameof(studyId));
    }

    /// <summary>
    /// Deletes <c>{root}/{studyId}</c> (a study's folder: its checkpoints, its artifacts), if there is one; false, and
    /// nothing deleted, when the id is not one plain path segment (the registry's ids are), which must not reach
    /// outside the root.
    /// </summary>
    public static bool TryDeleteStudyFolder(string root, string studyId)
    {
        var directory = Path.GetFullPath(Path.Combine(root, studyId));
        if (Path.GetDirectoryName(directory) != Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar))
            return false;
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        return true;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>, replacing it whole.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="source"/> does not exist.</exception>
    public static void Replace(string source, string target)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"no checkpoint at {source}");
        ReplaceWith(target, temporary => Copy(source, temporary));
    }

    /// <summary>
    /// Replaces <paramref name="target"/> whole with a directory <paramref name="fill"/> writes: filled under a
    /// temporary name beside it, then renamed.
    /// </summary>
    public static void ReplaceWith(string target, Action<string> fill)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        fill(temporary);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(temporary, target);
    }

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(source))
            Copy(directory, Path.Combine(target, Path.GetFileName(directory)));
    }
}
