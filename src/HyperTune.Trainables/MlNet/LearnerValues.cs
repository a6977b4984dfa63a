namespace HyperTune.Trainables.MlNet;

/// <summary>The hyperparameter values one training run uses: the trial's, then the spec's fixed ones.</summary>
public sealed class LearnerValues
{
    private readonly IReadOnlyDictionary<string, double> _values;

    /// <summary>Wraps checked values (names known to the learner, values in range).</summary>
    public LearnerValues(IReadOnlyDictionary<string, double> values) => _values = values;

    /// <summary>The values by name.</summary>
    public IReadOnlyDictionary<string, double> All => _values;

    /// <summary>The value of <paramref name="name"/>, or null when neither the trial nor the spec sets it.</summary>
    public double? Real(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The value of <paramref name="name"/> rounded to a whole number, or null.</summary>
    public int? Whole(string name) => _values.TryGetValue(name, out var v) ? (int)Math.Round(v) : null;
}
