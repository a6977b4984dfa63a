using HyperTune.Cluster.Workers;

namespace HyperTune.Cluster.Checkpoints;

/// <summary>
/// Copies under the checkpoint root (<see cref="CheckpointDirectories.Kept"/>): the default. Other nodes see them
/// only when the root is a shared file system.
/// </summary>
public sealed class DirectoryCheckpointStore(string root) : ICheckpointStore
{
    /// <inheritdoc />
    public string Describe() => $"directory {Path.GetFullPath(root)}";

    /// <inheritdoc />
    public Task KeepAsync(CheckpointKey key, string directory, CancellationToken cancellationToken)
    {
        CheckpointDirectories.Replace(directory, Kept(key));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RestoreAsync(CheckpointKey key, string directory, CancellationToken cancellationToken)
    {
        var kept = Kept(key);
        if (!Directory.Exists(kept)) return Task.FromResult(false);
        CheckpointDirectories.Replace(kept, directory);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<long?> LatestAsync(string studyId, string incarnation, int trial, long atMost,
        CancellationToken cancellationToken)
    {
        long? latest = null;
        foreach (var (step, _) in CheckpointDirectories.KeptSteps(root, studyId, incarnation, trial))
            if (step <= atMost && (latest is null || step > latest))
                latest = step;
        return Task.FromResult(latest);
    }

    /// <inheritdoc />
    public Task DiscardBeforeAsync(string studyId, string incarnation, int trial, long step,
        CancellationToken cancellationToken)
    {
        CheckpointDirectories.DiscardKept(root, studyId, incarnation, trial, step);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DiscardIncarnationAsync(string studyId, string incarnation, CancellationToken cancellationToken)
    {
        CheckpointDirectories.DiscardAllKept(root, studyId, incarnation);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteStudyAsync(string studyId, CancellationToken cancellationToken)
    {
        CheckpointDirectories.DeleteStudy(root, studyId);
        return Task.CompletedTask;
    }

    private string Kept(CheckpointKey key) =>
        CheckpointDirectories.Kept(root, key.StudyId, key.Incarnation, key.Trial, key.Step);
}
