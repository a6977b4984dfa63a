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
    private readonly HyperparameterCache _fits = new(CachedFits);

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

        var (x, _, y, hyper) = multi ? ObserveScalarized(completed, history, trialNumber) : Observe(completed, history);

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
        var incumbent = x[all.OrderBy(i => y[i]).ThenBy(i => i).First()];

        // Stagnation means nothing when every suggestion scalarizes the objectives with other weights.
        if (!multi && _escape.Applies(y, trialNumber))
        {
            var inside = _escape.Neighbourhood(incumbent, hyper.InverseLengthScales());
            var outside = all.Where(i => !inside(x[i])).ToList();
            if (outside.Count > 0 && Propose(gp, x, y, outside, tried, random, inside) is { } escape)
                return WithPhase(escape, "escape");
        }
        // With trials pending, refine around the incumbent (where the batch loses least to the missing results).
        if (_trustRegion.Applies(pending.Count)
            && Propose(gp, x, y, all, tried, random, _trustRegion.Outside(incumbent, hyper.InverseLengthScales())) is { } local)
            return WithPhase(local, "model");
        if (Propose(gp, x, y, all, tried, random, null) is { } best) return WithPhase(best, "model");

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
    private Configuration? Propose(GaussianProcessPosterior gp, List<double[]> x, double[] y, List<int> candidates,
        HashSet<Configuration> tried, SeededRandom random, Func<double[], bool>? excluded)
    {
        // Improvement is measured, in each output set, against the best conditioning point the search may compete
        // with: everywhere, or outside the excluded neighbourhood (observations and pending trials alike).
        var competing = Enumerable.Range(0, gp.Count).Where(i => excluded is null || !excluded(gp.Point(i))).ToList();
        var incumbents = Enumerable.Range(0, gp.OutputSets).Select(set => competing.Count > 0
            ? competing.Min(i => gp.Output(set, i))
            : candidates.Min(i => y[i])).ToArray();
        var acquisition = new SetAveragedAcquisition(Settings.Acquisition, incumbents, Settings.Xi, Settings.UcbBeta);
        var centers = candidates.OrderBy(i => y[i]).ThenBy(i => i).Take(Settings.LocalCenters).Select(i => x[i]).ToList();
        var ranked = new AcquisitionOptimizer(_space, gp, acquisition, Settings) { Excluded = excluded }.Maximize(centers, random);
        foreach (var (point, value) in ranked)
        {
            if (!double.IsFinite(value)) continue;
            var config = _space.Decode(point);
            if (!tried.Contains(config)) return config;
        }
        return null;
    }

    /// <summary>The encoded space the model works in.</summary>
    internal EncodedSearchSpace EncodedSpace => _space;

    /// <summary>
    /// The model's data for these completed trials (finite losses, in trial order): encoded inputs, losses,
    /// transformed outputs and the hyperparameters fitted for them (see <see cref="FitFor"/>).
    /// </summary>
    internal (List<double[]> X, double[] Losses, double[] Y, KernelHyperparameters Hyper) Observe(IReadOnlyList<TrialRecord> completed, TrialHistory history)
    {
        var x = completed.Select(t => _space.Encode(t.Params)).ToList();
        var losses = completed.Select(history.Loss).ToArray();
        return (x, losses, OutputTransform.Apply(Settings.OutputTransform, losses), FitFor(x, losses));
    }

    /// <summary>
    /// As <see cref="Observe"/> for several objectives (ParEGO): the losses are the trials' augmented Chebyshev
    /// scalarization (<see cref="ChebyshevScalarization"/>) with weights drawn for this trial number, so successive
    /// suggestions aim at different parts of the front. The hyperparameters are fitted to the equal-weight
    /// scalarization scaled by the checkpoint's own trials, which stays the same between checkpoints, so the fit
    /// cache serves every weight vector.
    /// </summary>
    private (List<double[]> X, double[] Losses, double[] Y, KernelHyperparameters Hyper) ObserveScalarized(
        IReadOnlyList<TrialRecord> completed, TrialHistory history, int trialNumber)
    {
        var x = completed.Select(t => _space.Encode(t.Params)).ToList();
        var vectors = completed.Select(t => history.Losses(t)!).ToList();
        var weights = ChebyshevScalarization.RandomWeights(history.Objectives.Count, SeededRandom.Derive(_seed, trialNumber, WeightSalt));
        var losses = ChebyshevScalarization.Apply(vectors, weights, vectors.Count);
        var fitLosses = ChebyshevScalarization.Apply(vectors, ChebyshevScalarization.EqualWeights(weights.Length),
            _schedule.Checkpoint(vectors.Count));
        return (x, losses, OutputTransform.Apply(Settings.OutputTransform, losses), FitFor(x, fitLosses));
    }

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
