using System.Collections.Immutable;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// A study's final model: its best trial's configuration trained on all training rows by a worker, scored once on
/// the held-out test set and saved in that node's artifacts folder (<see cref="Trainables.IRefittable"/>).
/// </summary>
/// <param name="Trial">The trial refitted (the best when it was asked for).</param>
/// <param name="Status">Where the refit is.</param>
/// <param name="Dispatch">Its latest dispatch to a worker (0: never dispatched).</param>
/// <param name="NodeKey">The node that runs it, or ran it to completion.</param>
/// <param name="RequestedAt">When it was asked for.</param>
public sealed record StudyRefit(int Trial, RefitStatus Status, int Dispatch, string? NodeKey,
    DateTimeOffset RequestedAt)
{
    /// <summary>Why it was asked for (the study finished, an operator asked).</summary>
    public string Reason { get; init; } = "";

    /// <summary>Attempts that failed or lost their worker.</summary>
    public int FailedAttempts { get; init; }

    /// <summary>
    /// Nodes where an attempt failed or lost its worker: the next attempt goes elsewhere when it can (a node may lack
    /// the data, or be dying).
    /// </summary>
    public ImmutableSortedSet<string> FailedNodes { get; init; } = ImmutableSortedSet<string>.Empty;

    /// <summary>The last failure, when an attempt failed.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Every metric of the task on the test set, once complete (empty without a test set).</summary>
    public ImmutableDictionary<string, double> TestMetrics { get; init; } =
        ImmutableDictionary<string, double>.Empty;

    /// <summary>Rows the final model was trained on, once complete.</summary>
    public int TrainRows { get; init; }

    /// <summary>Rows it was scored on, once complete (0 without a test set).</summary>
    public int TestRows { get; init; }

    /// <summary>The model file on <see cref="NodeKey"/>'s file system, once complete.</summary>
    public string? ModelPath { get; init; }

    /// <summary>When it completed or finally failed.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>True once complete or finally failed.</summary>
    public bool IsFinished => Status is RefitStatus.Complete or RefitStatus.Failed;
}
