using Akka.Configuration;

namespace HyperTune.Cluster.Workers;

/// <summary>The <c>hypertune.worker</c> section of the node config.</summary>
/// <param name="Slots">Trials this node runs at once.</param>
/// <param name="CheckpointRoot">Where trials keep checkpoints (<c>{root}/{study}/{incarnation}/trial-{n}</c>; see <see cref="Studies.StudyState.Incarnation"/>).</param>
/// <param name="ResultResendInterval">How often an unacknowledged result is sent again.</param>
public sealed record WorkerSettings(int Slots, string CheckpointRoot, TimeSpan ResultResendInterval)
{
    /// <summary>
    /// How long a stopped process trainable may take to exit after SIGTERM before its process tree is killed
    /// (<c>process-stop-grace</c>).
    /// </summary>
    public TimeSpan ProcessStopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where copies of checkpoints kept at pauses go (<c>checkpoint-store</c>): <c>directory</c> (under the checkpoint
    /// root, the default) or <c>database</c> (the node's study database, for clusters without a shared file system).
    /// </summary>
    public string CheckpointStore { get; init; } = "directory";

    /// <summary>How long keeping or restoring one copy may take (<c>checkpoint-store-timeout</c>).</summary>
    public TimeSpan CheckpointStoreTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many times a pause's copy is tried before the worker gives up on it (<c>checkpoint-keep-attempts</c>): then
    /// the pause is not reported; the run goes back to the coordinator as interrupted, which requeues the trial.
    /// </summary>
    public int CheckpointKeepAttempts { get; init; } = 3;

    /// <summary>The wait between two tries of a copy (<c>checkpoint-keep-retry-delay</c>), doubled each time.</summary>
    public TimeSpan CheckpointKeepRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Where a study's final model goes when a worker of this node refits it (<c>artifacts-root</c>):
    /// <c>{root}/{study}/model.zip</c>.
    /// </summary>
    public string ArtifactsRoot { get; init; } = Path.Combine("hypertune-data", "artifacts");

    /// <summary>Reads the section; <c>slots = 0</c> means one per processor.</summary>
    public static WorkerSettings From(Config config)
    {
        var c = config.GetConfig("hypertune.worker");
        var slots = c.GetInt("slots", 0);
        return new WorkerSettings(
            slots > 0 ? slots : Environment.ProcessorCount,
            c.GetString("checkpoint-root", Path.Combine("hypertune-data", "checkpoints")),
            c.GetTimeSpan("result-resend-interval", TimeSpan.FromSeconds(1)))
        {
            ArtifactsRoot = c.GetString("artifacts-root", Path.Combine("hypertune-data", "artifacts")),
            ProcessStopGrace = c.GetTimeSpan("process-stop-grace", TimeSpan.FromSeconds(5)),
            CheckpointStore = c.GetString("checkpoint-store", "directory"),
            CheckpointStoreTimeout = c.GetTimeSpan("checkpoint-store-timeout", TimeSpan.FromSeconds(60)),
            CheckpointKeepAttempts = Math.Max(1, c.GetInt("checkpoint-keep-attempts", 3)),
            CheckpointKeepRetryDelay = c.GetTimeSpan("checkpoint-keep-retry-delay", TimeSpan.FromMilliseconds(250)),
        };
    }
}
