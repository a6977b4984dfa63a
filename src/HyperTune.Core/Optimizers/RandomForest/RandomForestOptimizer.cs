using HyperTune.Core.Optimizers.Acquisition;
using System.Collections.Immutable;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// Sequential model-based optimization with a random-forest surrogate, in the manner of SMAC:
/// <list type="number">
/// <item>The first <c>initialTrials</c> trials come from an initial design (Sobol by default).</item>
/// <item>Afterwards, a fixed share <c>randomFraction</c> of the trials, evenly spread, are random configurations
/// (SMAC's interleaving, which keeps the search global whatever the model believes).</item>
/// <item>Otherwise a forest (<see cref="RegressionForest"/>) is fitted to the completed trials' losses (optionally
/// log-transformed), pending trials entering with a constant-liar loss; candidates are scored by expected
/// improvement over the best observed loss: random configurations, then local searches
/// (<see cref="OneExchangeLocalSearch"/>) from the best observed configurations and from the best-scoring of the
/// other evaluated and random ones. The best candidate not already tried or pending is suggested.</item>
/// </list>
/// Categorical parameters are split on natively and inactive conditional parameters have their own sentinel
/// (<see cref="ForestEncoding"/>). Nothing is cached: every suggestion is a function of the seed, the trial number
/// and the history. Each trial records how it was chosen in the <c>rf.phase</c> attribute
/// (<c>initial</c>, <c>random</c> or <c>model</c>).
/// </summary>
public sealed class RandomForestOptimizer : IOptimizer
{
    /// <summary>The attribute recording how a trial was chosen.</summary>
    public const string PhaseAttribute = "rf.phase";

    /// <summary>In log-transform mode the model sees log(loss - best + LogOffset * (worst - best)).</summary>
    public const double LogOffset = 1e-3;

    /// <summary>Random draws tried for a configuration not yet in the study before a repeat is accepted.</summary>
    public const int FreshRandomAttempts = 100;

    private readonly SearchSpace _space;
    private readonly long _seed;
    private readonly RandomForestSettings _settings;
    private readonly ForestEncoding _encoding;
    private readonly OneExchangeLocalSearch _localSearch;

    /// <summary>Creates the optimizer from its spec.</summary>
    public RandomForestOptimizer(SearchSpace space, OptimizerSpec spec) : this(space, spec.Seed, RandomForestSettings.Read(spec)) { }

    /// <summary>Creates the optimizer from settings.</summary>
    public RandomForestOptimizer(SearchSpace space, long seed, RandomForestSettings settings)
    {
        _space = space;
        _seed = seed;
        _settings = settings;
        _logTransform = settings.LogTransform ?? !space.HasConditions;
        _encoding = new ForestEncoding(space);
        _localSearch = new OneExchangeLocalSearch(space, settings.NeighbourSamples, settings.NeighbourScale, settings.LocalSearchSteps);
    }

    /// <summary>The settings in use.</summary>
    public RandomForestSettings Settings => _settings;

    /// <summary>Whether the model sees log-transformed losses: <see cref="RandomForestSettings.LogTransform"/>, or
    /// its default for this space.</summary>
    public bool UsesLogTransform => _logTransform;

    private readonly bool _logTransform;

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        // Trials stopped early: the forest is fitted at a budget level (see BudgetLevel), like GP, stopped trials
        // counting as the worst at the level.
        var level = _settings.MultiFidelity.Project(history,
            Math.Max(_settings.InitialTrials, _encoding.Dimension + 1));
        var completed = level is null
            ? history.Completed.Where(t => double.IsFinite(t.Value!.Value)).ToList()
            : level.ModelTrials(_settings.MultiFidelity.Mode == MultiFidelityMode.Auto).ToList();
        if (trialNumber < _settings.InitialTrials || completed.Count < 2)
            return Suggestion(InitialDesign.Point(_settings.InitialDesign, _space, _seed, trialNumber), "initial");

        var taken = new HashSet<Configuration>(history.Trials.Select(t => t.Params));
        var random = SeededRandom.Derive(_seed, trialNumber, SeededRandom.StableHash("rf.suggest"));
        if (IsInterleavedRandom(trialNumber))
            return Suggestion(FreshRandom(taken, random), "random");

        var forest = Fit(history, completed, random, out var incumbent);
        var acquisition = new Func<Configuration, double>(c =>
        {
            var (mean, variance) = forest.Predict(_encoding.Encode(c));
            // Log EI ranks like EI but stays informative where EI underflows to 0 (every candidate far from promising).
            return ExpectedImprovement.Log(mean, variance, incumbent, _settings.Xi);
        });

        // Score evaluated configurations and random ones; climb from the best of both.
        var scored = new List<(Configuration Config, double Value)>();
        foreach (var t in completed) scored.Add((t.Params, acquisition(t.Params)));
        for (var i = 0; i < _settings.RandomCandidates; i++)
        {
            var c = _space.Sample(random);
            scored.Add((c, acquisition(c)));
        }
        // Starts: the best observed configurations (by loss) and the best-scoring of the rest (by acquisition).
        var byLoss = completed
            .Select((t, i) => (t, i))
            .OrderBy(x => history.Loss(x.t)).ThenBy(x => x.i)
            .Take(Math.Min(_settings.IncumbentStarts, _settings.LocalSearchStarts))
            .Select(x => x.i)
            .ToHashSet();
        var starts = byLoss.Select(i => (scored[i].Config, scored[i].Value, i))
            .Concat(scored
                .Select((s, i) => (s.Config, s.Value, i))
                .Where(s => !byLoss.Contains(s.i))
                .OrderByDescending(s => s.Value).ThenBy(s => s.i)
                .Take(_settings.LocalSearchStarts - byLoss.Count))
            .ToList();
        var candidates = new List<(Configuration Config, double Value)>(scored);
        foreach (var (config, value, _) in starts)
            candidates.Add(_localSearch.Climb(config, value, acquisition, random));

        Configuration? best = null;
        var bestValue = double.NegativeInfinity;
        foreach (var (config, value) in candidates)
            if (value > bestValue && !taken.Contains(config))
            {
                best = config;
                bestValue = value;
            }
        return Suggestion(best ?? FreshRandom(taken, random), best is null ? "random" : "model");
    }

    /// <summary>
    /// True when this model-phase trial is one of the interleaved random ones: a fixed schedule (rather than a coin)
    /// so that exactly a <c>randomFraction</c> share of the trials after the initial design are random, spread evenly.
    /// </summary>
    private bool IsInterleavedRandom(int trialNumber)
    {
        var k = trialNumber - _settings.InitialTrials + 1;
        if (k <= 0) return false;
        return Math.Floor(k * _settings.RandomFraction) > Math.Floor((k - 1) * _settings.RandomFraction);
    }

    private RegressionForest Fit(TrialHistory history, List<TrialRecord> completed, SeededRandom random, out double incumbent)
    {
        var losses = completed.Select(history.Loss).ToList();
        var min = losses.Min();
        var max = losses.Max();
        // The floor only matters when every loss is equal (range 0): it keeps the log finite.
        var margin = Math.Max((max - min) * LogOffset, 1e-12 * Math.Max(1, Math.Abs(min)));
        double Transform(double loss) => _logTransform ? Math.Log(Math.Max(loss - min, 0) + margin) : loss;

        var x = completed.Select(t => _encoding.Encode(t.Params)).ToList();
        var y = losses.Select(Transform).ToList();
        incumbent = y.Min();
        if (_settings.Pending != PendingStrategy.Ignore)
        {
            var lie = Transform(_settings.Pending switch
            {
                PendingStrategy.Max => max,
                _ => losses.Average(),
            });
            // A trial observed at a budget level while it runs (a resumed one) is an observation, not a lie as well.
            var observed = completed.Select(t => t.Number).ToHashSet();
            foreach (var t in history.Pending.Where(t => !observed.Contains(t.Number)))
            {
                x.Add(_encoding.Encode(t.Params));
                y.Add(lie);
            }
        }
        var options = new TreeOptions(_settings.MinSamplesSplit, _settings.MinSamplesLeaf, _settings.MaxDepth, _settings.FeatureFraction);
        return RegressionForest.Fit(x, y, _encoding.CategoryCounts, _settings.Trees, _settings.Bootstrap, _settings.WithinLeafVariance, options, random);
    }

    private Configuration FreshRandom(HashSet<Configuration> taken, SeededRandom random)
    {
        // In a small discrete space most draws may be taken; after a bounded number of tries accept a repeat.
        var c = _space.Sample(random);
        for (var i = 1; i < FreshRandomAttempts && taken.Contains(c); i++) c = _space.Sample(random);
        return c;
    }

    private static TrialSuggestion Suggestion(Configuration config, string phase) =>
        new(config) { Attributes = ImmutableDictionary<string, string>.Empty.Add(PhaseAttribute, phase) };
}
