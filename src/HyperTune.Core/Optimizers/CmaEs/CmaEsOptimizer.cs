using System.Collections.Immutable;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// CMA-ES, the (μ/μ_w, λ) covariance matrix adaptation evolution strategy, in the unit cube of the space's float
/// and integer parameters (log scales in log space; integers by rounding, with a margin that keeps them moving).
/// Cumulative step-size adaptation, rank-one and rank-μ (active) covariance updates, repair of samples outside
/// the cube, and IPOP or BIPOP restarts when a run converges or stagnates. Categorical and conditional parameters
/// are refused.
/// </summary>
/// <remarks>
/// <para>Pure: the state is never stored, only recomputed from the history. Every member of generation g carries
/// <c>cmaes.generation</c> = g and <c>cmaes.index</c> = k, and is drawn from generation g's distribution with a
/// generator derived from (seed, g, k). Generation g is over once its members, in index order, have a fully
/// finished prefix with λ completed trials; those λ update the distribution. Failed (or pruned) members are
/// skipped, so they cannot stall a generation: while a generation is open and has fewer than λ members running or
/// completed, each new trial is one more member. When all λ places are taken by trials in flight, the new trial
/// joins the next generation with a free place, drawn now from the current distribution (<c>cmaes.source</c>
/// names it); that generation's update injects it with a bounded step. Members drawn in an earlier run than their
/// generation's (in flight across a restart) are left out of the update.</para>
/// <para>The states after each generation are cached together with exactly the trial data they were computed
/// from, so a call costs a replay only for the generations whose data changed (normally just the newest).</para>
/// </remarks>
public sealed class CmaEsOptimizer : IOptimizer
{
    private static readonly long SampleSalt = SeededRandom.StableHash("cmaes.sample");
    private static readonly long MeanSalt = SeededRandom.StableHash("cmaes.initial-mean");

    private readonly SearchSpace _space;
    private readonly SpaceEncoder _encoder;
    private readonly CmaEsSettings _settings;
    private readonly CmaEsSampler _sampler;
    private readonly long _seed;
    private readonly int _defaultPopulation;
    private readonly object _cacheLock = new();
    private ImmutableList<CacheEntry> _cache = ImmutableList<CacheEntry>.Empty;

    /// <summary>Creates the optimizer from its spec.</summary>
    /// <exception cref="SpecException">A bad setting, or a space CMA-ES cannot search (named as <c>optimizer.type</c>).</exception>
    public CmaEsOptimizer(SearchSpace space, OptimizerSpec spec)
    {
        _settings = CmaEsSettings.Read(spec);
        foreach (var p in space.Parameters)
        {
            if (p is not NumericParameter)
                throw new SpecException("optimizer.type", $"cmaes searches float and int parameters only, but '{p.Name}' is categorical; use tpe or random for spaces with choices");
            if (p.Condition is not null)
                throw new SpecException("optimizer.type", $"cmaes cannot search conditional parameters, but '{p.Name}' depends on '{p.Condition.Parent}'; use tpe or random");
        }
        _space = space;
        _encoder = new SpaceEncoder(space);
        _sampler = new CmaEsSampler(space, _settings);
        _seed = spec.Seed;
        _defaultPopulation = _settings.PopulationSize ?? CmaEsParameters.DefaultPopulationSize(_encoder.Dimension);
    }

    /// <summary>The settings in use.</summary>
    public CmaEsSettings Settings => _settings;

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        var ledger = new CmaEsLedger(history);
        var startup = CmaEsLedger.CompletedPrefix(ledger.Outside, _settings.StartupTrials);
        if (startup is null) return StartupSuggestion(ledger.NextStartupIndex);

        IReadOnlyList<CmaEsState> states;
        lock (_cacheLock)
        {
            var cache = _cache;
            states = Replay(ledger, startup, history, ref cache);
            _cache = cache;
        }
        var current = states.Count - 1;
        var state = states[current];
        // The trial joins the first generation, from the current one on, with a free place. A later generation's
        // member is drawn from the current distribution now and injected into that generation's update later.
        var target = current;
        while (ledger.Alive(target, state.Run.Index) >= state.Parameters.Lambda) target++;
        return MemberSuggestion(state, current, target, ledger.NextIndex(target));
    }

    /// <summary>
    /// The distributions of every generation up to the current one (the first without a finished update), for
    /// inspection and tests; empty during the startup phase.
    /// </summary>
    public IReadOnlyList<CmaEsState> States(TrialHistory history)
    {
        var ledger = new CmaEsLedger(history);
        var startup = CmaEsLedger.CompletedPrefix(ledger.Outside, _settings.StartupTrials);
        if (startup is null) return Array.Empty<CmaEsState>();
        var scratch = ImmutableList<CacheEntry>.Empty;
        return Replay(ledger, startup, history, ref scratch);
    }

    // The distribution of generation 0, 1, ... up to the current generation, reusing cached states whose inputs
    // are unchanged.
    private List<CmaEsState> Replay(CmaEsLedger ledger, IReadOnlyList<TrialRecord> startup, TrialHistory history,
        ref ImmutableList<CacheEntry> cache)
    {
        var states = new List<CmaEsState> { Cached(ref cache, 0, StepKey.Of(startup, -1, history), () => InitialState(startup, history)) };
        for (var g = 0; ; g++)
        {
            var state = states[g];
            var run = state.Run.Index;
            var members = ledger.Members(g);
            // Members drawn in an earlier run (in flight across a restart) are not used by the new run.
            var prefix = CmaEsLedger.CompletedPrefix(members, state.Parameters.Lambda, t => CmaEsAttributes.Read(t, CmaEsAttributes.Run) == run);
            if (prefix is null) return states;
            var generation = g;
            states.Add(Cached(ref cache, g + 1, StepKey.Of(prefix, members.Count, history),
                () => Advance(states, generation, prefix, history, ledger)));
        }
    }

    private TrialSuggestion StartupSuggestion(int index) =>
        new(InitialDesign.Point(_settings.InitialDesignKind, _space, _seed, index))
        {
            Attributes = ImmutableDictionary<string, string>.Empty.Add(CmaEsAttributes.Startup, CmaEsAttributes.Format(index)),
        };

    private TrialSuggestion MemberSuggestion(CmaEsState state, int source, int generation, int index)
    {
        var sample = _sampler.Sample(state, SampleRandom(generation, index));
        var attributes = ImmutableDictionary<string, string>.Empty
            .Add(CmaEsAttributes.Generation, CmaEsAttributes.Format(generation))
            .Add(CmaEsAttributes.Index, CmaEsAttributes.Format(index))
            .Add(CmaEsAttributes.Run, CmaEsAttributes.Format(state.Run.Index));
        if (source != generation) attributes = attributes.Add(CmaEsAttributes.Source, CmaEsAttributes.Format(source));
        return new TrialSuggestion(_encoder.Decode(sample.Evaluated)) { Attributes = attributes };
    }

    private SeededRandom SampleRandom(int generation, int index) => SeededRandom.Derive(_seed, SampleSalt, generation, index);

    private CmaEsState InitialState(IReadOnlyList<TrialRecord> startup, TrialHistory history)
    {
        var n = _encoder.Dimension;
        var run = CmaEsRestarts.First(_defaultPopulation, _settings.Sigma0);
        var parameters = new CmaEsParameters(n, run.PopulationSize, _settings.ActiveCovariance, _settings.CovarianceLearningScale);
        var mean = new double[n];
        if (startup.Count > 0)
        {
            // Warm start: the mean of the best fraction of the startup trials.
            var best = startup.OrderBy(history.Loss).ThenBy(t => t.Number).ToArray();
            var q = Math.Max(1, (int)Math.Ceiling(_settings.WarmStartFraction * best.Length));
            for (var k = 0; k < q; k++)
            {
                var x = EncodeClamped(best[k].Params);
                for (var i = 0; i < n; i++) mean[i] += x[i] / q;
            }
        }
        else if (_settings.RandomInitialMean)
        {
            var random = SeededRandom.Derive(_seed, MeanSalt);
            for (var i = 0; i < n; i++) mean[i] = random.NextDouble();
        }
        else
        {
            Array.Fill(mean, 0.5);
        }
        return CmaEsState.Start(run, parameters, mean, run.Sigma0);
    }

    private CmaEsState Advance(IReadOnlyList<CmaEsState> states, int generation, IReadOnlyList<TrialRecord> completed, TrialHistory history,
        CmaEsLedger ledger)
    {
        var state = states[generation];
        var points = new double[completed.Count][];
        var losses = new double[completed.Count];
        var injected = new bool[completed.Count];
        for (var k = 0; k < completed.Count; k++)
        {
            var t = completed[k];
            losses[k] = history.Loss(t);
            var source = CmaEsAttributes.Read(t, CmaEsAttributes.Source) ?? generation;
            injected[k] = source != generation;
            points[k] = PointOf(source < generation ? states[source] : state, generation, t);
        }
        var next = state.Update(points, losses, injected);
        var reason = CmaEsTermination.Check(next, _settings);
        if (reason is null || (_settings.Restart == RestartStrategy.None && reason != CmaEsTermination.NumericalBreakdown)) return next;

        long used = 0;
        for (var g = state.Run.FirstGeneration; g <= generation; g++) used += ledger.Members(g).Count;
        var (run, mean) = CmaEsRestarts.Next(state.Run, used, generation, _settings, _defaultPopulation, _encoder.Dimension, _seed);
        return CmaEsState.Start(run, new CmaEsParameters(_encoder.Dimension, run.PopulationSize, _settings.ActiveCovariance, _settings.CovarianceLearningScale), mean, run.Sigma0);
    }

    // The point a member was drawn at: redrawn from the distribution it came from when that reproduces the
    // trial's configuration (the normal case, and exact even for rounded integers), else the configuration itself.
    private double[] PointOf(CmaEsState source, int generation, TrialRecord trial)
    {
        if (CmaEsAttributes.Read(trial, CmaEsAttributes.Index) is { } index)
        {
            var sample = _sampler.Sample(source, SampleRandom(generation, index));
            if (_encoder.Decode(sample.Evaluated).Equals(trial.Params)) return sample.ForUpdate;
        }
        return EncodeClamped(trial.Params);
    }

    private double[] EncodeClamped(Configuration config)
    {
        var x = _encoder.Encode(config);
        for (var i = 0; i < x.Length; i++) x[i] = double.IsNaN(x[i]) ? 0.5 : Math.Clamp(x[i], 0, 1);
        return x;
    }

    private static CmaEsState Cached(ref ImmutableList<CacheEntry> cache, int step, StepKey key, Func<CmaEsState> compute)
    {
        if (step < cache.Count && cache[step].Key.Equals(key)) return cache[step].State;
        var state = compute();
        if (step < cache.Count) cache = cache.RemoveRange(step, cache.Count - step);
        cache = cache.Add(new CacheEntry(key, state));
        return state;
    }

    private sealed record CacheEntry(StepKey Key, CmaEsState State);

    // Exactly the data a cached state was computed from: the completed trials used (number, loss, configuration,
    // attributes) and how many members the generation had (restart budgets count them). Earlier states it depends
    // on are checked by the earlier entries.
    private sealed class StepKey : IEquatable<StepKey>
    {
        private readonly int _memberCount;
        private readonly (int Number, double Loss, Configuration Params, ImmutableDictionary<string, string> Attributes)[] _trials;

        private StepKey(int memberCount, (int, double, Configuration, ImmutableDictionary<string, string>)[] trials)
        {
            _memberCount = memberCount;
            _trials = trials;
        }

        public static StepKey Of(IReadOnlyList<TrialRecord> completed, int memberCount, TrialHistory history) =>
            new(memberCount, completed.Select(t => (t.Number, history.Loss(t), t.Params, t.Attributes)).ToArray());

        public bool Equals(StepKey? other)
        {
            if (other is null || other._memberCount != _memberCount || other._trials.Length != _trials.Length) return false;
            for (var i = 0; i < _trials.Length; i++)
            {
                var (a, b) = (_trials[i], other._trials[i]);
                if (a.Number != b.Number || !a.Loss.Equals(b.Loss) || !(ReferenceEquals(a.Params, b.Params) || a.Params.Equals(b.Params)) ||
                    !(ReferenceEquals(a.Attributes, b.Attributes) || SameAttributes(a.Attributes, b.Attributes))) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as StepKey);

        private static bool SameAttributes(ImmutableDictionary<string, string> a, ImmutableDictionary<string, string> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

        public override int GetHashCode() => HashCode.Combine(_memberCount, _trials.Length);
    }
}
