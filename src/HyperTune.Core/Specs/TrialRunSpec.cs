namespace HyperTune.Core.Specs;

/// <summary>
/// What a worker needs to run a study's trials, and nothing more: the trainable's own JSON object, the metric the
/// trainable reports, and the trial timeout. Trial messages carry this instead of the whole spec, so their size
/// does not grow with the search space (a 25 MB spec once made every trial message exceed the remoting frame).
/// </summary>
/// <param name="TrainableJson">The spec's <c>trainable</c> object, as JSON text (validated when it was submitted).</param>
/// <param name="Metric">The objective's metric name.</param>
/// <param name="TrialTimeout">How long a trial may run (null: no limit).</param>
public sealed record TrialRunSpec(string TrainableJson, string Metric, TimeSpan? TrialTimeout)
{
    /// <summary>The part of a study spec its workers need.</summary>
    public static TrialRunSpec Of(StudySpec spec) =>
        new(spec.Trainable.Settings.GetRawText(), spec.Objective.Metric, spec.TrialTimeout);

    /// <summary>The trainable's spec, read back from <see cref="TrainableJson"/>.</summary>
    /// <exception cref="SpecException">The JSON is not a trainable object with a <c>type</c>.</exception>
    public TrainableSpec Trainable() => TrainableSpec.FromJson(TrainableJson);
}
