using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Auto;

/// <summary>
/// The default optimizer (what a spec gets when it names none): Gaussian-process BO while the study is small, where
/// it finds the best configurations per trial, then TPE once <c>switchAfter</c> trials have completed (trials
/// stopped early count too), where the GP's cubic cost grows and TPE's quality per trial catches up. Both see the
/// whole history, so the switch loses nothing; both are deterministic, so the choice is a pure function of the
/// history like any optimizer's. Settings: <c>switchAfter</c> (completed or stopped trials, default 200; 0 means
/// TPE from the start) and the multi-fidelity settings <c>multiFidelity</c> and <c>fidelityMinTrials</c>, passed on to both (see <c>Optimizers/Fidelity</c>).
/// A space the GP would model
/// in more than <see cref="SpecLimits.Default"/>'s <c>MaxModelDimensions</c> coordinates (categoricals count one per
/// choice) gets TPE from the start: there the GP takes seconds to minutes per suggestion.
/// </summary>
public sealed class AutoOptimizer : IOptimizer
{
    private readonly int _switchAfter;
    private readonly IOptimizer _gp;
    private readonly IOptimizer _tpe;
    private readonly bool _countStopped;

    /// <summary>Creates the optimizer from its spec.</summary>
    public AutoOptimizer(SearchSpace space, OptimizerSpec spec)
    {
        var r = spec.Reader();
        _switchAfter = r.GetInt("switchAfter", 200, 0, 1_000_000);
        var fidelity = MultiFidelitySettings.Read(r);
        _countStopped = fidelity.Mode != MultiFidelityMode.Off;
        r.EnsureNoUnknownFields();
        if (new SpaceEncoder(space).Dimension > SpecLimits.Default.MaxModelDimensions) _switchAfter = 0;
        _gp = new GaussianProcessOptimizer(space, GaussianProcessSettings.Read(OptimizerSpec.Of("gp", spec.Seed), space)
            with { MultiFidelity = fidelity }, spec.Seed);
        var tpe = TpeSettings.Read(OptimizerSpec.Of("tpe", spec.Seed)) with { MultiFidelity = fidelity };
        _tpe = new TpeOptimizer(space, tpe, spec.Seed);
    }

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        // The switch counts what the GP fits: completed trials and, unless multi-fidelity is off, trials stopped
        // early (the GP models them as the worst at its budget level), so its cost stays bounded under a scheduler.
        var modelled = 0;
        foreach (var t in history.Trials)
            if (IsModelled(t) && ++modelled >= _switchAfter) break;
        return (modelled < _switchAfter ? _gp : _tpe).Ask(history, trialNumber);
    }

    private bool IsModelled(TrialRecord t) => t.State == TrialState.Complete
        || _countStopped && t.State is TrialState.Pruned or TrialState.Paused && t.Intermediate.Count > 0;
}
