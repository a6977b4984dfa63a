namespace HyperTune.Client;

/// <summary>Where and how a <see cref="LocalStudy"/> runs on this machine.</summary>
public sealed record LocalStudyOptions
{
    /// <summary>
    /// The SQLite file the study is stored in (default <c>hypertune-data/hypertune.db</c> under the working
    /// directory, as <c>hypertune run</c>); null keeps it in memory (nothing survives the process).
    /// </summary>
    public string? StoragePath { get; init; } = Path.Combine("hypertune-data", "hypertune.db");

    /// <summary>Trials this machine runs at once (default: the larger of the study's parallelism and the cores).</summary>
    public int? Slots { get; init; }

    /// <summary>Start a new study instead of resuming the stored one of the same name.</summary>
    public bool Fresh { get; init; }
}
