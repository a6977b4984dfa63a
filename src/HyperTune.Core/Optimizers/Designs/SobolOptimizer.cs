using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// Quasi-random search: trial n gets point n of a scrambled Sobol sequence over the space (<see cref="SobolDesign"/>),
/// so any 2^k consecutive-from-zero trials cover every parameter evenly, unlike independent random draws. The
/// suggestion depends only on the seed and the trial number, so parallel workers (different trial numbers) get
/// different points and a recovered coordinator continues identically. With the default scrambling, trial n equals
/// <c>InitialDesign.Point("sobol", space, seed, n)</c>.
/// Settings: <c>scramble</c> (<c>owen</c> default, <c>shift</c>, or <c>none</c>: the plain sequence, whose
/// first point is the lower corner of the space).
/// </summary>
public sealed class SobolOptimizer : IOptimizer
{
    private readonly SobolDesign _design;

    /// <summary>Creates a Sobol optimizer from its spec.</summary>
    public SobolOptimizer(SearchSpace space, OptimizerSpec spec)
    {
        var r = spec.Reader();
        var scrambling = r.GetString("scramble", "owen", "owen", "shift", "none") switch
        {
            "none" => SobolScrambling.None,
            "shift" => SobolScrambling.DigitalShift,
            _ => SobolScrambling.Owen,
        };
        r.EnsureNoUnknownFields();
        if (space.Parameters.Count > SobolDirectionNumbers.MaxDimension)
            throw new SpecException("optimizer.type", $"the sobol optimizer supports at most {SobolDirectionNumbers.MaxDimension} parameters");
        _design = new SobolDesign(space, SobolDesign.ScramblingSeed(spec.Seed), scrambling);
    }

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber) => new TrialSuggestion(_design.Point(trialNumber));
}
