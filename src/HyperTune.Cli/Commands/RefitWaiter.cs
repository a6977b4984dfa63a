using HyperTune.Cluster.Client;
using HyperTune.Cluster.Studies;

namespace HyperTune.Cli.Commands;

/// <summary>
/// Waits for a finished study's refit (<see cref="StudyRefit"/>) on an embedded node: the coordinator asks for it as
/// the study finishes, a worker trains it, and <c>hypertune run</c> prints it with the study.
/// </summary>
internal static class RefitWaiter
{
    /// <summary>How often the study is asked whether its refit is done.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Waits until the study's refit is done; null when it is (or there is nothing to refit: the study has not
    /// finished or has no single best trial), else why it failed.
    /// </summary>
    public static async Task<string?> WaitAsync(HyperTuneClient client, string studyId, CancellationToken ct)
    {
        var progress = (await client.GetAsync(studyId, cancellationToken: ct))?.Progress;
        if (progress is not { Status: StudyStatus.Finished, Best: not null }) return null;
        // Asked for by the study's end; a node whose coordinator could not build the trainable did not ask.
        var refit = progress.Refit ?? (await client.RefitAsync(studyId, "hypertune run", ct)).Progress.Refit;
        if (refit is { IsFinished: false })
            Console.Error.WriteLine($"refit: training trial {refit.Trial}'s configuration on all training rows");
        while (refit is { IsFinished: false })
        {
            await Task.Delay(PollInterval, ct);
            refit = (await client.GetAsync(studyId, cancellationToken: ct))?.Progress.Refit;
        }
        return refit is { Status: RefitStatus.Failed } failed
            ? $"the refit of trial {failed.Trial} failed: {failed.FailureReason}"
            : null;
    }
}
