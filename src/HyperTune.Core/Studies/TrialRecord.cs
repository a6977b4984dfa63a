using System.Collections.Immutable;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Studies;

/// <summary>
/// Everything known about one trial: the optimizer's input (params, attributes, state, value, intermediate values)
/// and bookkeeping for operators (attempts, failure reason, times).
/// </summary>
/// <param name="Number">Trial number, 0-based and unique in the study.</param>
/// <param name="State">Where the trial is in its life cycle.</param>
/// <param name="Params">The configuration evaluated.</param>
public sealed record TrialRecord(int Number, TrialState State, Configuration Params)
{
    /// <summary>The metric's final value (Complete), or the last intermediate value (Pruned).</summary>
    public double? Value { get; init; }

    /// <summary>Intermediate values of the metric in the order reported.</summary>
    public ImmutableList<IntermediateValue> Intermediate { get; init; } = ImmutableList<IntermediateValue>.Empty;

    /// <summary>Every metric of the final report (the study metric among them).</summary>
    public ImmutableDictionary<string, double> Metrics { get; init; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>
    /// Attributes the optimizer attached when it suggested the trial (a CMA-ES generation, a Hyperband bracket...);
    /// they travel with the trial through the journal so a rebuilt optimizer sees them again.
    /// </summary>
    public ImmutableDictionary<string, string> Attributes { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>How many evaluations of this trial failed and were retried.</summary>
    public int FailedAttempts { get; init; }

    /// <summary>Why the trial failed (or why its last attempt failed).</summary>
    public string? FailureReason { get; init; }

    /// <summary>When the trial was suggested.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the trial reached a finished state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// The step at which the trial's current run stops by itself and pauses (a scheduler's rung milestone), or null
    /// to run to the trainable's end. Set when the trial starts or is resumed.
    /// </summary>
    public long? StopAtStep { get; init; }

    /// <summary>The step the trial paused at (its last reported step) while <see cref="State"/> is Paused.</summary>
    public long? PausedAtStep => State == TrialState.Paused ? LastIntermediate?.Step ?? 0 : null;

    /// <summary>
    /// The member's exploit/explore steps under population-based training, in step order (empty otherwise);
    /// <see cref="Params"/> is then the configuration of its latest steps.
    /// </summary>
    public ImmutableList<LineageEntry> Lineage { get; init; } = ImmutableList<LineageEntry>.Empty;

    /// <summary>
    /// The configuration the trial trained with up to and including <paramref name="step"/>: its params before the
    /// first exploit at or after that step.
    /// </summary>
    public Configuration ParamsAt(long step)
    {
        foreach (var entry in Lineage)
            if (entry.Step >= step) return entry.Before;
        return Params;
    }

    /// <summary>The value reported at exactly <paramref name="step"/>, or null when the trial reported none there.</summary>
    public double? ValueAtStep(long step)
    {
        // Reports come in step order; the steps asked for are usually recent ones.
        for (var i = Intermediate.Count - 1; i >= 0; i--)
        {
            if (Intermediate[i].Step == step) return Intermediate[i].Value;
            if (Intermediate[i].Step < step) break;
        }
        return null;
    }

    /// <summary>The last intermediate value, if any.</summary>
    public IntermediateValue? LastIntermediate => Intermediate.IsEmpty ? null : Intermediate[^1];
}
