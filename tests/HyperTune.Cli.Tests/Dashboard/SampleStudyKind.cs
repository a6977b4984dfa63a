namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>The kinds of study <see cref="SampleStudy"/> makes, one per set of dashboard charts.</summary>
public enum SampleStudyKind
{
    /// <summary>One objective, four parameters (one log-scaled, one categorical), learning curves, pruned and
    /// failed trials.</summary>
    SingleObjective,

    /// <summary>Two objectives (loss and latency): the best is a Pareto front.</summary>
    MultiObjective,

    /// <summary>A genetic algorithm: trials carry their generation, the document lists the generations.</summary>
    Evolution,

    /// <summary>Population-based training: members with lineage (exploits of other members' checkpoints).</summary>
    PopulationBasedTraining,
}
