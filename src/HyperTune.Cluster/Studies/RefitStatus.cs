namespace HyperTune.Cluster.Studies;

/// <summary>Where a study's refit (<see cref="StudyRefit"/>) is.</summary>
public enum RefitStatus
{
    /// <summary>Asked for, waiting for a worker node.</summary>
    Waiting,

    /// <summary>Training on a worker node.</summary>
    Running,

    /// <summary>Done: the model is saved and scored.</summary>
    Complete,

    /// <summary>Failed on every attempt it was allowed.</summary>
    Failed,
}
