using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// A kriging believer for TPE's pending trials. A suggestion made while other trials run lacks their results, and
/// those are mostly refinements of the best points: the constant liar keeps workers apart, but the good density
/// cannot follow improvements it has not seen. So a Gaussian process fitted to the completed trials (the GP
/// optimizer's model, hyperparameter fit and fit cache) predicts each pending trial's value, never better than the
/// best observation, and each pending trial is added to the history a second time, as a completed trial with that
/// value. The pending trial itself stays pending (its liar kernel still keeps workers off its point).
/// </summary>
/// <remarks>
/// The believed copies are numbered after the history's last trial. TPE's encoder caches rows by trial number but
/// checks each trial's configuration object before reusing one, and keeps its sorted columns in (value, number)
/// order, so a copy's number later taken by a real trial changes nothing a fresh optimizer would not also do.
/// Not thread-safe: the optimizer serializes calls.
/// </remarks>
internal sealed class PendingBelief
{
    private readonly GaussianProcessOptimizer _gp;

    public PendingBelief(SearchSpace space, long seed) =>
        _gp = new GaussianProcessOptimizer(space, GaussianProcessSettings.Read(OptimizerSpec.Of("gp", seed), space) with
        {
            RefitAlwaysUpTo = RefitAlwaysUpTo,
        }, seed);

    /// <summary>
    /// The belief's model refits its kernel hyperparameters at every completion only up to this many trials (the GP
    /// optimizer's own default is 40), then at every 10 % growth: a refit there was most of an 8-slot TPE study's
    /// suggestion time early on, and with 8 trials pending the parallel benchmark's regrets did not get worse
    /// (100 seeds, ratios 0.57-1.07 to 0.95-1.33, geometric mean 0.92; docs/benchmarks.md).
    /// </summary>
    private const int RefitAlwaysUpTo = 10;

    /// <summary>
    /// The history with a believed, completed copy of every pending trial appended, or the history itself when it
    /// has no pending trial or fewer than two completed trials with a finite value.
    /// </summary>
    public TrialHistory WithBeliefs(TrialHistory history)
    {
        var completed = history.Completed.Where(t => double.IsFinite(history.Loss(t))).ToList();
        var pending = history.Pending.ToList();
        // One model of the first objective would believe nothing of the others: a multi-objective history stays.
        if (pending.Count == 0 || completed.Count < 2 || history.IsMultiObjective) return history;

        var (x, losses, y, hyper) = _gp.Observe(completed, history);
        var posterior = GaussianProcessPosterior.Create(x, y, hyper);
        // The model's outputs are a monotone transform of the losses; a prediction is turned back into a loss by
        // rank: the loss of the first observation predicted no better. Below every observation that is the best
        // loss, so a belief never claims an improvement (TPE uses only ranks, ties go to the lower trial number).
        var byOutput = Enumerable.Range(0, y.Length).OrderBy(i => y[i]).ThenBy(i => completed[i].Number).ToArray();
        var scratch = new double[posterior.Count];
        var next = history.Trials.Max(t => t.Number) + 1;
        var trials = new List<TrialRecord>(history.Trials.Count + pending.Count);
        trials.AddRange(history.Trials);
        foreach (var t in pending)
        {
            var (mean, _) = posterior.Predict(_gp.EncodedSpace.Encode(t.Params), scratch);
            var k = 0;
            while (k < byOutput.Length - 1 && y[byOutput[k]] < mean) k++;
            var loss = losses[byOutput[k]];
            trials.Add(t with { Number = next++, State = TrialState.Complete, Value = history.Direction == StudyDirection.Minimize ? loss : -loss });
        }
        return new TrialHistory(trials, history.Objectives, history.Constraints);
    }
}
