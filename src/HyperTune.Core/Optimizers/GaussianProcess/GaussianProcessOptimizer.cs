using System.Collections.Immutable;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Pareto;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Gaussian-process Bayesian optimization: a Matérn 5/2 ARD GP on the unit-cube encoding of the space, with
/// hyperparameters fitted by maximum a posteriori marginal likelihood, and the next point chosen by maximizing an
/// acquisition function (log expected improvement by default). Pending trials are fantasized at the GP's mean
/// (kriging believer), so parallel workers get different points, and while any are pending the search is confined
/// to the incumbent's neighbourhood (<see cref="PendingTrustRegion"/>). When trials were stopped early (pruned or
/// paused), the model is fitted to the trials at a budget level (<see cref="BudgetLevel"/>), by their values there;
/// trials that stopped below the level are left out, as BOHB does (their values belong to another budget).
/// </summary>
/// <remarks>
/// Determinism: a suggestion depends only on the seed, the settings, the history and the trial number. The
/// hyperparameters are fitted on the first c(m) completed trials (see <see cref="RefitSchedule"/>) with random
/// starts derived from the seed and c(m); the cache of fits is keyed by exactly that data, so a fresh optimizer
/// computes what a long-running one remembers.
/// </remarks>
public sealed class GaussianProcessOptimizer : IOptimizer
{
    /// <summary>The attribute telling how a trial was suggested: <c>design</c> or <c>model</c>.</summary>
    public const string PhaseAttribute = "gp.phase";

    // A GP needs at least this many completed trials to say anything; before that the design continues.
    private const int MinimumCompletedTrials = 2;

    // Fits remembered by the cache: enough for the checkpoints a few coordinators' histories alternate between.
    private const int CachedFits = 4;

    private static readonly long SuggestSalt = SeededRandom.StableHash("gp.suggest");
    private static readonly long FitSalt = SeededRandom.StableHash("gp.fit");
    private static readonly long FantasySalt = SeededRandom.StableHash("gp.fantasies");
    private static readonly long WeightSalt = SeededRandom.StableHash("gp.scalarization");

    private readonly EncodedSearchSpace _space;
    private readonly long _seed;
    private readonly RefitSchedule _schedule;
    private readonly BasinEscape _escape;
    private readonly PendingTrustRegion _trustRegion;
    private readonly BranchSignature _branches;
    private readonly HyperparameterCache _fits = new(CachedFits);
    private readonly HyperparameterCache _constraintFits = new(2 * CachedFits);

    /// <summary>Creates the optimizer from its spec, validating the settings.</summary>
    public GaussianProcessOptimizer(SearchSpace space, OptimizerSpec spec) : this(space, GaussianProcessSettings.Read(spec, space), spec.Seed)
    {
    }

    /// <summary>Creates the optimizer from settings already read.</summary>
    public GaussianProcessOptimizer(SearchSpace space, GaussianProcessSettings settings, long seed)
    {
        _space = new EncodedSearchSpace(space);
        Settings = settings;
        _seed = seed;
        _schedule = new RefitSchedule(settings.RefitAlwaysUpTo, settings.RefitGrowth);
        _escape = new BasinEscape(settings.EscapeAfter, settings.EscapeRadius, settings.EscapeMinImprovement);
        _trustRegion = new PendingTrustRegion(settings.PendingTrustRadius);
        _branches = new BranchSignature(space);
    }

    /// <summary>The settings in use.</summary>
    public GaussianProcessSettings Settings { get; }

    /// <summary>The prior the hyperparameter fit uses.</summary>
    internal HyperparameterPrior Prior { get; init; } = HyperparameterPrior.Default;

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        // Several objectives are one scalarized objective per suggestion; budget levels are for one objective.
        var multi = history.IsMultiObjective;
        var level = multi ? null : Settings.MultiFidelity.Project(history, Math.Max(Settings.StartupTrials, _space.Dimension + 1));
        var completed = level is not null
            ? level.ModelTrials(Settings.MultiFidelity.Mode == MultiFidelityMode.Auto).ToList()
            : multi
                ? history.Trials.Where(t => history.Losses(t) is not null).ToList()
                : history.Completed.Where(t => double.IsFinite(history.Loss(t))).ToList();
        // The design continues until as many trials have completed as it has points: with parallel workers, a GP
        // started on the first two results and a crowd of pending trials spends its first suggestions on a model of
        // almost nothing (on rosenbrock4 with 8 pending, median regret 4.9 instead of 4.0 over 30 seeds).
        if (trialNumber < Settings.StartupTrials || completed.Count < Math.Max(MinimumCompletedTrials, Settings.StartupTrials))
            return WithPhase(InitialDesign.Point(Settings.InitialDesign, _space.Space, _seed, trialNumber), "design");

        // Failed and infeasible trials teach the model where not to look. A failed trial has no value: the model is
        // given the worst one (see InfeasibleImputation). Constraints: with log EI, a GP on each constraint's metric
        // multiplies EI by the probability of feasibility (constrained EI); otherwise infeasible trials are imputed too.
        var failures = level is null && history.Trials.Any(t => t.State == TrialState.Failed);
        var feasibility = level is null && history.Constraints.Count > 0 && Settings.Acquisition == AcquisitionKind.LogExpectedImprovement
            ? FeasibilityModels(history) : null;
        var imputesViolations = level is null && history.Constraints.Count > 0 && feasibility is null;
        var learnsFailures = failures || imputesViolations;
        if (failures)
            completed = completed.Concat(history.Trials.Where(t => t.State == TrialState.Failed)).OrderBy(t => t.Number).ToList();
        var (x, _, y, hyper) = multi ? ObserveScalarized(completed, history, trialNumber, learnsFailures, imputesViolations)
            : learnsFailures ? Observe(completed, ImputedLosses(completed, history,
                completed.Select(t => t.State == TrialState.Failed ? double.NaN : history.Loss(t)).ToArray(), imputesViolations))
            : Observe(completed, history);

        // A trial observed at the level while it runs (a resumed one) is no fantasy as well.
        var pending = history.Pending.Where(t => level is null || !BudgetLevel.IsObservedInFlight(t))
            .Select(t => _space.Encode(t.Params)).ToList();
        var observed = GaussianProcessPosterior.Create(x, y, hyper);
        var gp = Settings.PendingFantasies > 0
            ? observed.WithSampledFantasies(pending, Settings.PendingFantasies, SeededRandom.Derive(_seed, trialNumber, FantasySalt))
            : observed.WithFantasies(pending);
        var tried = history.Trials.Select(t => t.Params).ToHashSet();
        var random = SeededRandom.Derive(_seed, trialNumber, SuggestSalt);
        var all = Enumerable.Range(0, y.Length).ToList();
        var feasible = feasibility is null ? null : completed.Select(history.IsFeasible).ToArray();
        var incumbents = feasible is null || !feasible.Any(f => f) ? all : all.Where(i => feasible[i]).ToList();
        var incumbent = x[incumbents.OrderBy(i => y[i]).ThenBy(i => i).First()];
        var context = new ProposalContext(gp, x, y, tried, random, feasibility, feasible);

        // Stagnation means nothing when every suggestion scalarizes the objectives with other weights, nor when the
        // best values lie on a constraint's bound.
        if (!multi && feasibility is null && _escape.Applies(y, trialNumber))
        {
            if (Settings.BranchNeighbours && _branches.HasBranches
                && RunnerUpBranchNeighbour(context, completed) is { } step)
                return WithPhase(step, "branch-neighbour");
            var inside = _escape.Neighbourhood(incumbent, hyper.InverseLengthScales());
            var outside = all.Where(i => !inside(x[i])).ToList();
            if (outside.Count > 0 && Propose(context, outside, inside) is { } escape)
                return WithPhase(escape, "escape");
        }
        // With trials pending, refine around the incumbent (where the batch loses least to the missing results).
        if (_trustRegion.Applies(pending.Count)
            && Propose(context, all, _trustRegion.Outside(incumbent, hyper.InverseLengthScales())) is { } local)
            return WithPhase(local, "model");
        if (Propose(context, all, null) is { } best) return WithPhase(best, "model");

        // Every good point repeats a trial (a small discrete space): fall back to a fresh random configuration.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var config = _space.Space.Sample(random);
            if (!tried.Contains(config)) return WithPhase(config, "random");
        }
        return WithPhase(_space.Space.Sample(random), "random");
    }

    /// <summary>
    /// The untried configuration with the best acquisition value, improvement measured against the best of the
    /// <paramref name="candidates"/> observations (fantasies included when all are candidates); null if every good
    /// point repeats a trial.
    /// </summary>
    private Configuration? Propose(ProposalContext context, List<int> candidates, Func<double[], bool>? excluded)
    {
        var (gp, x, y, tried, random) = (context.Gp, context.X, context.Y, context.Tried, context.Random);
        // Improvement is measured, in each output set, against the best conditioning point the search may compete
        // with: everywhere, or outside the excluded neighbourhood (observations and pending trials alike). Under
        // constraints, only feasible observations count: an infeasible point's value is no improvement to beat.
        var competing = Enumerable.Range(0, gp.Count).Where(i => excluded is null || !excluded(gp.Point(i)))
            .Where(i => context.Feasible is null || i < context.Feasible.Length && context.Feasible[i]).ToList();
        var usesObjective = context.Feasible is null || competing.Count > 0;
        var incumbents = Enumerable.Range(0, gp.OutputSets).Select(set => competing.Count > 0
            ? competing.Min(i => gp.Output(set, i))
            : candidates.Min(i => y[i])).ToArray();
        var acquisition = new SetAveragedAcquisition(Settings.Acquisition, incumbents, Settings.Xi, Settings.UcbBeta);
        var centers = candidates.OrderBy(i => y[i]).ThenBy(i => i).Take(Settings.LocalCenters).Select(i => x[i]).ToList();
        var ranked = new AcquisitionOptimizer(_space, gp, acquisition, Settings)
        {
            Excluded = excluded, Feasibility = context.Feasibility, UsesObjective = usesObjective,
        }.Maximize(centers, random);
        foreach (var (point, value) in ranked)
        {
            if (!double.IsFinite(value)) continue;
            var config = _space.Decode(point);
            if (!tried.Contains(config)) return config;
        }
        return null;
    }

    /// <summary>
    /// The untried configuration one discrete step (an integer or stepped value, or a categorical choice that keeps
    /// the branch) from the best trial of the runner-up branch, with the best acquisition value measured against
    /// that trial; null when there is none. Why: a small integer parameter's effect (cond-pipeline's layers, at most
    /// 0.09 beside the learning rate's 1.2) looks like noise to a model of the whole space, which then fits it a long
    /// length scale and never tries the runner-up branch's best one step in from the edge of the range; that one
    /// trial is what separates a branch stuck at 0.09 from the optimum 0.05 (docs/experiments).
    /// </summary>
    private Configuration? RunnerUpBranchNeighbour(ProposalContext context, IReadOnlyList<TrialRecord> completed)
    {
        var (gp, x, y, tried) = (context.Gp, context.X, context.Y, context.Tried);
        var bestOfBranch = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < y.Length; i++)
        {
            var branch = _branches.Of(completed[i].Params);
            if (!bestOfBranch.TryGetValue(branch, out var b) || y[i] < y[b]) bestOfBranch[branch] = i;
        }
        if (bestOfBranch.Count < 2) return null;
        var (runnerUpBranch, runnerUp) = bestOfBranch.OrderBy(kv => y[kv.Value]).ThenBy(kv => kv.Value).ElementAt(1);
        var scorer = new AcquisitionOptimizer(_space, gp,
            new SetAveragedAcquisition(Settings.Acquisition, Enumerable.Repeat(y[runnerUp], gp.OutputSets).ToArray(),
                Settings.Xi, Settings.UcbBeta), Settings);
        Configuration? chosen = null;
        var chosenValue = double.NegativeInfinity;
        foreach (var neighbour in _space.DiscreteNeighbours(x[runnerUp]))
        {
            var config = _space.Decode(neighbour);
            if (tried.Contains(config) || _branches.Of(config) != runnerUpBranch) continue;
            var value = scorer.Score(neighbour);
            if (value > chosenValue)
            {
                chosenValue = value;
                chosen = config;
            }
        }
        return chosen;
    }

    /// <summary>The encoded space the model works in.</summary>
    internal EncodedSearchSpace EncodedSpace => _space;

    /// <summary>
    /// The model's data for these completed trials (finite losses, in trial order): encoded inputs, losses,
    /// transformed outputs and the hyperparameters fitted for them (see <see cref="FitFor"/>).
    /// </summary>
    internal (List<double[]> X, double[] Losses, double[] Y, KernelHyperparameters Hyper) Observe(IReadOnlyList<TrialRecord> completed, TrialHistory history) =>
        Observe(completed, completed.Select(history.Loss).ToArray());

    private (List<double[]> X, double[] Losses, double[] Y, KernelHyperparameters Hyper) Observe(IReadOnlyList<TrialRecord> trials, double[] losses)
    {
        var x = trials.Select(t => _space.Encode(t.Params)).ToList();
        return (x, losses, OutputTransform.Apply(Settings.OutputTransform, losses), FitFor(x, losses));
    }

    /// <summary>
    /// The losses to model when some trials failed (NaN marks a failed trial's) or, with
    /// <paramref name="violations"/>, broke constraints.
    /// </summary>
    private static double[] ImputedLosses(IReadOnlyList<TrialRecord> trials, TrialHistory history, double[] losses, bool violations) =>
        InfeasibleImputation.Impute(losses,
            trials.Select(t => t.State == TrialState.Failed || !violations ? 0 : history.Violation(t)).ToArray(),
            trials.Select(t => t.State == TrialState.Failed).ToArray());

    /// <summary>
    /// As <see cref="Observe(IReadOnlyList{TrialRecord}, TrialHistory)"/> for several objectives (ParEGO): the losses are the trials' augmented Chebyshev
    /// scalarization (<see cref="ChebyshevScalarization"/>) with weights drawn for this trial number, so successive
    /// suggestions aim at different parts of the front. The hyperparameters are fitted to the equal-weight
    /// scalarization scaled by the checkpoint's own trials, which stays the same between checkpoints, so the fit
    /// cache serves every weight vector.
    /// </summary>
    private (List<double[]> X, double[] Losses, double[] Y, KernelHyperparameters Hyper) ObserveScalarized(
        IReadOnlyList<TrialRecord> completed, TrialHistory history, int trialNumber, bool imputes, bool imputesViolations)
    {
        // Failed trials have no vector: they are scalarized as the worst (see InfeasibleImputation), after the others.
        var scored = completed.Where(t => history.Losses(t) is not null).ToList();
        var failed = completed.Where(t => history.Losses(t) is null).ToList();
        var trials = scored.Concat(failed).ToList();
        var x = trials.Select(t => _space.Encode(t.Params)).ToList();
        var vectors = scored.Select(t => history.Losses(t)!).ToList();
        var weights = ChebyshevScalarization.RandomWeights(history.Objectives.Count, SeededRandom.Derive(_seed, trialNumber, WeightSalt));
        var losses = Pad(ChebyshevScalarization.Apply(vectors, weights, vectors.Count), failed.Count);
        var fitLosses = Pad(ChebyshevScalarization.Apply(vectors, ChebyshevScalarization.EqualWeights(weights.Length),
            _schedule.Checkpoint(vectors.Count)), failed.Count);
        if (imputes)
        {
            losses = ImputedLosses(trials, history, losses, imputesViolations);
            fitLosses = ImputedLosses(trials, history, fitLosses, imputesViolations);
        }
        return (x, losses, OutputTransform.Apply(Settings.OutputTransform, losses), FitFor(x, fitLosses));
    }

    /// <summary>What a proposal needs: the posterior, the data, and the feasibility models with the observations' feasibility.</summary>
    private sealed record ProposalContext(GaussianProcessPosterior Gp, List<double[]> X, double[] Y, HashSet<Configuration> Tried,
        SeededRandom Random, IReadOnlyList<FeasibilityModel>? Feasibility, bool[]? Feasible);

    /// <summary>
    /// A GP per constraint on its reported metric (trials that reported it), standardized; null when none has two
    /// observations. (A GP on a failure indicator was tried for failed trials: smooth across the edge of the region
    /// that crashes, it kept half the suggestions there; imputing the worst value keeps away.)
    /// </summary>
    private List<FeasibilityModel>? FeasibilityModels(TrialHistory history)
    {
        var models = new List<FeasibilityModel>();
        for (var c = 0; c < history.Constraints.Count; c++)
        {
            var constraint = history.Constraints[c];
            var data = history.Trials.Where(t => t.State == TrialState.Complete
                    && t.Metrics.TryGetValue(constraint.Metric, out var v) && double.IsFinite(v))
                .Select(t => (X: _space.Encode(t.Params), Value: t.Metrics[constraint.Metric])).ToList();
            if (FeasibilityModel(data, constraint.Max, constraint.Min, c) is { } model) models.Add(model);
        }
        return models.Count > 0 ? models : null;
    }

    private FeasibilityModel? FeasibilityModel(List<(double[] X, double Value)> data, double? upper, double? lower, int salt)
    {
        if (data.Count < MinimumCompletedTrials) return null;
        static (double Mean, double Sd) Moments(IEnumerable<double> values)
        {
            var list = values.ToList();
            var mean = list.Average();
            var sd = Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / list.Count);
            return (mean, sd > 1e-12 ? sd : 1);
        }
        var x = data.Select(d => d.X).ToList();
        // Fitted at the refit schedule's checkpoint on those points' own standardization, so the cache serves it.
        var c = _schedule.Checkpoint(data.Count);
        var (fitMean, fitSd) = Moments(data.Take(c).Select(d => d.Value));
        var fitX = x.Take(c).ToList();
        var fitY = data.Take(c).Select(d => (d.Value - fitMean) / fitSd).ToArray();
        var hyper = _constraintFits.GetOrAdd(fitX, fitY, () =>
        {
            var subset = HyperparameterFitSubset.Select(fitY, Settings.HyperparameterFitPoints);
            return HyperparameterFitter.Fit(subset.Select(i => fitX[i]).ToList(), subset.Select(i => fitY[i]).ToArray(), Prior,
                Settings.HyperparameterStarts, Settings.HyperparameterIterations, SeededRandom.Derive(_seed, c, FitSalt, salt));
        });
        var (mean, sd) = Moments(data.Select(d => d.Value));
        var posterior = GaussianProcessPosterior.Create(x, data.Select(d => (d.Value - mean) / sd).ToArray(), hyper);
        return new FeasibilityModel(posterior, (upper - mean) / sd, (lower - mean) / sd);
    }

    private static double[] Pad(double[] values, int failed) => failed == 0 ? values : values.Concat(Enumerable.Repeat(double.NaN, failed)).ToArray();

    /// <summary>The hyperparameters for a suggestion with these completed trials (a checkpoint fit, possibly cached).</summary>
    internal KernelHyperparameters FitFor(IReadOnlyList<double[]> x, IReadOnlyList<double> losses)
    {
        var c = _schedule.Checkpoint(losses.Count);
        var fitX = x.Take(c).ToList();
        var fitLosses = losses.Take(c).ToList();
        return _fits.GetOrAdd(fitX, fitLosses, () =>
        {
            var fitY = OutputTransform.Apply(Settings.OutputTransform, fitLosses);
            var subset = HyperparameterFitSubset.Select(fitY, Settings.HyperparameterFitPoints);
            var random = SeededRandom.Derive(_seed, c, FitSalt);
            return HyperparameterFitter.Fit(subset.Select(i => fitX[i]).ToList(), subset.Select(i => fitY[i]).ToArray(), Prior,
                Settings.HyperparameterStarts, Settings.HyperparameterIterations, random);
        });
    }

    private static TrialSuggestion WithPhase(Configuration config, string phase) =>
        new(config) { Attributes = ImmutableDictionary<string, string>.Empty.Add(PhaseAttribute, phase) };
}
