using HyperTune.Core.Specs;

namespace HyperTune.Core.Validation;

/// <summary>
/// How a trainable scores a configuration on its training data: k-fold cross-validation (the score is the mean over
/// folds) or one held-out fraction. The same rows fall in the same fold for every trial of a study (the split depends
/// only on the data and <see cref="Seed"/>), so trials are compared fold by fold.
/// </summary>
/// <param name="Folds">Number of folds (2..20), or 1 with <paramref name="HoldoutFraction"/>.</param>
/// <param name="HoldoutFraction">The fraction of rows held out for validation, or null for k folds.</param>
/// <param name="Stratified">Keep each class's share in every fold (classification only; ignored otherwise).</param>
/// <param name="Seed">Seed of the row shuffle.</param>
public sealed record ValidationSpec(int Folds, double? HoldoutFraction, bool Stratified, long Seed)
{
    /// <summary>Most folds a spec may ask for.</summary>
    public const int MaxFolds = 20;

    /// <summary>Five stratified folds, seed 0: what a spec without <c>validation</c> gets.</summary>
    public static ValidationSpec Default { get; } = new(5, null, true, 0);

    /// <summary>Units of work per trial: the folds, or 1 for a holdout.</summary>
    public int Units => HoldoutFraction is null ? Folds : 1;

    /// <summary>
    /// Whether a trial's folds run as separate units of work, in parallel on any node's worker slots (default), or
    /// one after another in the trial's slot (<c>"parallel": false</c>).
    /// </summary>
    public bool Parallel { get; init; } = true;

    /// <summary>
    /// Reads <c>folds</c> (2..20, default 5) or <c>holdoutFraction</c> (between 0 and 1, exclusive),
    /// <c>stratified</c> (default true), <c>seed</c> (default 0) and <c>parallel</c> (default true).
    /// </summary>
    /// <exception cref="SpecException">Both or bad values, naming the field.</exception>
    public static ValidationSpec Read(JsonSettings? settings)
    {
        if (settings is null) return Default;
        var holdout = settings.GetOptionalDouble("holdoutFraction", 0, 1);
        var folds = settings.GetOptionalLong("folds", 2, MaxFolds);
        var stratified = settings.GetBool("stratified", true);
        var seed = settings.GetOptionalLong("seed") ?? 0;
        var parallel = settings.GetBool("parallel", true);
        settings.EnsureNoUnknownFields();
        if (holdout is not null && folds is not null)
            throw new SpecException(settings.PathOf("holdoutFraction"), "give folds or holdoutFraction, not both");
        if (holdout is { } h && (h <= 0 || h >= 1))
            throw new SpecException(settings.PathOf("holdoutFraction"), $"must be between 0 and 1 (exclusive), got {h}");
        return holdout is { } fraction
            ? new ValidationSpec(1, fraction, stratified, seed) { Parallel = parallel }
            : new ValidationSpec((int)(folds ?? Default.Folds), null, stratified, seed) { Parallel = parallel };
    }
}
