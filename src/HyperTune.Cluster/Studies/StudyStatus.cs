namespace HyperTune.Cluster.Studies;

/// <summary>Where a study is in its life.</summary>
public enum StudyStatus
{
    /// <summary>Trials are being suggested and run.</summary>
    Running,

    /// <summary>The study ended (budget reached, space exhausted, wall-clock limit, or stopped).</summary>
    Finished,
}
