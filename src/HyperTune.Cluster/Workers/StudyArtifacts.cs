namespace HyperTune.Cluster.Workers;

/// <summary>Where a node keeps what a study leaves beside its journal: the final model of its refit.</summary>
public static class StudyArtifacts
{
    /// <summary>The model file's name in a study's artifacts folder.</summary>
    public const string ModelFile = "model.zip";

    /// <summary>A study's artifacts folder under <paramref name="root"/> (<c>hypertune.worker.artifacts-root</c>).
    /// </summary>
    public static string Folder(string root, string studyId) => Path.Combine(root, studyId);

    /// <summary>The study's final model file under <paramref name="root"/>.</summary>
    public static string Model(string root, string studyId) => Path.Combine(Folder(root, studyId), ModelFile);
}
