using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al. 2011; the variant of Optuna and Hyperopt). After
/// <c>nStartupTrials</c> initial-design trials, the ranked observations are split into a good fraction (gamma) and
/// the rest; a Parzen estimator l is fitted to the good ones and g to the others, <c>nEiCandidates</c> points are
/// drawn from l and the one maximizing l/g (which maximizes expected improvement under the TPE model) is proposed.
/// Univariate mode models each parameter on its own; multivariate mode models each group of co-active parameters
/// jointly. A conditional parameter is only modelled from trials where it was active, and only sampled when active.
/// With the constant liar, pending trials join g, so parallel workers are steered away from each other's points.
/// Trials stopped early (pruned or paused) rank after the completed ones, those that got further first; with
/// <c>multiFidelity: "level"</c> the ranking is taken at a budget level instead (<see cref="BudgetLevel"/>, BOHB).
/// </summary>
/// <remarks>
/// The suggestion depends only on the settings, the seed, the history and the trial number: the random stream is
/// derived from the seed and the trial number, and the only state kept between calls is a cache of encoded
/// configurations that is checked against the trial's configuration object before use.
/// </remarks>
public sealed class TpeOptimizer : IOptimizer
{
    private static readonly long RandomSalt = SeededRandom.StableHash("tpe");

    private readonly SearchSpace _space;
    private readonly long _seed;
    private readonly IReadOnlyList<ParameterGroup> _groups;
    private readonly TrialEncoder _encoder;
    private readonly object _gate = new();
    private PendingBelief? _belief;

    /// <summary>Creates a TPE optimizer from its spec, validating the settings.</summary>
    /// <exception cref="SpecException">A setting is invalid; the exception names the field.</exception>
    public TpeOptimizer(SearchSpace space, OptimizerSpec spec) : this(space, TpeSettings.Read(spec), spec.Seed) { }

    /// <summary>Creates a TPE optimizer from settings.</summary>
    public TpeOptimizer(SearchSpace space, TpeSettings settings, long seed)
    {
        _space = space;
        Settings = settings;
        _seed = seed;
        _groups = ParameterGroup.Build(space, settings.Multivariate);
        _encoder = new TrialEncoder(space.Parameters.Select((p, i) => new TpeDimension(p, i)).ToArray());
        _branchSelectors = space.BranchParameters.ToHashSet(StringComparer.Ordinal);
    }

    private readonly HashSet<string> _branchSelectors;
    private TpeSettings? _branchSettings;

    /// <summary>The settings in force.</summary>
    public TpeSettings Settings { get; }

    /// <summary>
    /// The settings a group is fitted with: a group that chooses a branch of a conditional space (a parameter that
    /// others' conditions name) keeps a prior of at least <see cref="TpeSettings.BranchPriorWeight"/>, so a branch
    /// whose first, unrefined draws look poor is still tried: its own parameters need trials to show what it can do.
    /// </summary>
    private TpeSettings SettingsFor(TpeDimension[] dims)
    {
        if (Settings.BranchPriorWeight <= Settings.PriorWeight) return Settings;
        foreach (var d in dims)
            if (_branchSelectors.Contains(d.Parameter.Name))
                return _branchSettings ??= Settings with { PriorWeight = Settings.BranchPriorWeight };
        return Settings;
    }

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        // Pending trials are always ranked (last); the constant liar and the lag compensation decide their use.
        // Trials stopped early: ranked after the completed ones by the step they reached (paused ones too), or with
        // "level" at a BOHB budget level; "off" keeps the ranking from before trials could pause.
        var fidelity = Settings.MultiFidelity;
        var level = fidelity.Mode == MultiFidelityMode.Level
            ? fidelity.Project(history, Math.Max(Settings.NStartupTrials, _space.Parameters.Count + 1))
            : null;
        var includePaused = fidelity.Mode != MultiFidelityMode.Off;
        var ranking = ObservationRanking.Rank(history, includePending: true, includePaused, level);
        // With lag compensation the startup phase is the first nStartupTrials trials, pending ones included, as it is
        // for a sequential study; otherwise parallel workers would keep drawing from the design until nStartupTrials
        // results are in. The model needs at least one value either way.
        var started = ranking.ValuedCount + (Settings.LagCompensation ? ranking.PendingCount : 0);
        if (started < Math.Max(Settings.NStartupTrials, 1) || ranking.ValuedCount == 0)
            return new TrialSuggestion(InitialDesign.Point(Settings.InitialDesign, _space, _seed, trialNumber));

        lock (_gate)
        {
            // The belief's GP models final values; under a budget level it would mix scales, so it is not formed.
            if (level is null && BelievesPending(ranking))
            {
                _belief ??= new PendingBelief(_space, _seed);
                history = _belief.WithBeliefs(history);
                ranking = ObservationRanking.Rank(history, includePending: true, includePaused);
            }
            var rows = _encoder.Rows(history);
            var workspace = new Workspace(history);
            var random = SeededRandom.Derive(_seed, trialNumber, RandomSalt);
            var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var group in _groups)
            {
                if (!_space.IsActive(group.Leader.Parameter, chosen)) continue;
                SampleGroup(group, ranking, rows, workspace, random, chosen);
            }
            return new TrialSuggestion(Configuration.From(chosen));
        }
    }

    /// <summary>
    /// Whether this suggestion adds believed copies of the pending trials (<see cref="TpeSettings.PendingBelief"/>):
    /// only while trials are pending, once the startup trials have results, and up to the configured history size.
    /// </summary>
    private bool BelievesPending(ObservationRanking ranking) =>
        Settings.PendingBelief == "gp" && ranking.PendingCount > 0 &&
        ranking.ValuedCount >= Math.Max(Settings.NStartupTrials, 2) && ranking.ValuedCount <= Settings.PendingBeliefMaxTrials;

    private void SampleGroup(ParameterGroup group, ObservationRanking ranking, double[][] rows, Workspace ws,
        SeededRandom random, Dictionary<string, object> chosen)
    {
        var dims = group.Dimensions;
        // The group's observations, best first: ranked trials where every member has a known value. Pending trials
        // come last and never join the good set; they enter the bad set only with the constant liar.
        var members = new int[ranking.Order.Length];
        var count = 0;
        var valued = 0;
        var atLevel = 0;
        for (var r = 0; r < ranking.Order.Length; r++)
        {
            var row = rows[ranking.Order[r]];
            var complete = true;
            for (var d = 0; d < dims.Length; d++)
                if (double.IsNaN(row[dims[d].SpaceIndex])) { complete = false; break; }
            if (!complete) continue;
            ws.IsPending[ranking.Order[r]] = r >= ranking.ValuedCount;
            members[count++] = ranking.Order[r];
            if (r < ranking.ValuedCount) valued++;
            if (r < ranking.LevelCount) atLevel++;
        }
        // Pending trials where the group is active: the suggestions in flight whose results this one cannot use.
        var pendingInGroup = count - valued;
        if (!Settings.ConstantLiar) count = valued;
        if (valued == 0)
        {
            // Nothing known about this group yet (say, a branch never taken): draw it from the prior.
            foreach (var d in dims) chosen[d.Parameter.Name] = d.Parameter.Sample(random);
            return;
        }
        // The split counts trials with values only: pending trials are fantasies and must not enlarge the good set.
        // Under a budget level only trials observed at the level may be good (they all are without one).
        var good = Math.Clamp(Settings.GoodCount(valued), 1, atLevel > 0 ? atLevel : valued);
        Array.Clear(ws.SetOf);
        for (var k = 0; k < count; k++)
        {
            ws.SetOf[members[k]] = k < good ? GoodSet : BadSet;
            ws.Rank[members[k]] = k;
        }
        ws.GoodSize = good;
        // Lag compensation: every pending trial is a result the sequential optimizer would already have used, most
        // likely near the best points. To make up for it the good density concentrates on its best observations
        // (steeper rank weights) and its kernels may narrow further (pending trials credit the width floor).
        var compensate = Settings.LagCompensation && pendingInGroup > 0;
        ws.RankExponent = compensate ? Settings.PendingRankExponent : 1.0;
        var floorCredit = compensate ? Settings.PendingFloorCredit * pendingInGroup / dims.Length : 0.0;
        var below = Fit(dims, rows, ws, GoodSet, good, floorCredit)!;
        var above = Fit(dims, rows, ws, BadSet, count - good);

        var candidates = Settings.NEiCandidates;
        var width = dims.Length;
        var low = new double[candidates * width];
        var high = new double[candidates * width];
        var values = new object[candidates * width];
        Span<double> point = width <= 64 ? stackalloc double[width] : new double[width];
        for (var c = 0; c < candidates; c++)
        {
            below.Sample(random, point);
            for (var d = 0; d < width; d++)
            {
                var at = c * width + d;
                switch (dims[d].Kind)
                {
                    case TpeDimensionKind.Discrete:
                        (values[at], low[at], high[at]) = dims[d].SnapDiscrete(point[d]);
                        break;
                    default:
                        low[at] = high[at] = point[d];
                        values[at] = dims[d].Decode(point[d]);
                        break;
                }
            }
        }
        var logBelow = new double[candidates];
        var logAbove = new double[candidates];
        below.LogDensities(candidates, low, high, logBelow);
        above?.LogDensities(candidates, low, high, logAbove);
        var best = 0;
        for (var c = 1; c < candidates; c++)
            if (logBelow[c] - logAbove[c] > logBelow[best] - logAbove[best]) best = c;
        for (var d = 0; d < width; d++) chosen[dims[d].Parameter.Name] = values[best * width + d];
    }

    /// <summary>
    /// Fits the estimator of one set (good or bad) of a group's observations. Weights follow the trials' age. The
    /// components of a one-dimensional numeric group are laid out sorted by value, so a candidate's nearby kernels
    /// are contiguous (the log-sum-exp then skips the far ones); sorted orders come from the encoder's columns.
    /// </summary>
    private ParzenEstimator? Fit(TpeDimension[] dims, double[][] rows, Workspace ws, byte set, int size, double floorCredit = 0.0)
    {
        // Age order: history indices ascend with trial numbers.
        var byAge = new int[size];
        var n = 0;
        for (var i = 0; i < ws.SetOf.Length; i++)
            if (ws.SetOf[i] == set) { ws.AgeRank[i] = n; byAge[n++] = i; }
        var ageWeights = Weights(size);

        int[] components;
        var sortedByValue = dims.Length == 1 && dims[0].Numeric is not null;
        if (sortedByValue)
        {
            components = new int[size];
            n = 0;
            foreach (var number in _encoder.Column(dims[0].SpaceIndex).Numbers)
            {
                var i = ws.IndexOf(number);
                if (i >= 0 && ws.SetOf[i] == set) components[n++] = i;
            }
        }
        else components = byAge;

        var weights = new double[size];
        for (var k = 0; k < size; k++) weights[k] = ageWeights[ws.AgeRank[components[k]]];
        if (set == GoodSet && Settings.RankWeighting)
        {
            // Better good observations weigh more: the best 1, the k-th of G (G - k) / G (raised to the lag
            // compensation's exponent while trials are pending).
            for (var k = 0; k < size; k++)
            {
                var rankWeight = (double)(ws.GoodSize - ws.Rank[components[k]]) / ws.GoodSize;
                weights[k] *= ws.RankExponent == 1.0 ? rankWeight : Math.Pow(rankWeight, ws.RankExponent);
            }
        }

        int[]?[]? sorted = null;
        if (Settings.EffectiveBandwidth == TpeBandwidthRule.Neighbor)
        {
            sorted = new int[dims.Length][];
            if (sortedByValue)
            {
                var identity = new int[size];
                for (var k = 0; k < size; k++) identity[k] = k;
                sorted[0] = identity;
            }
            else
            {
                for (var k = 0; k < size; k++) ws.Position[components[k]] = k;
                for (var d = 0; d < dims.Length; d++)
                {
                    if (dims[d].Numeric is null) continue;
                    var order = new int[size];
                    n = 0;
                    foreach (var number in _encoder.Column(dims[d].SpaceIndex).Numbers)
                    {
                        var i = ws.IndexOf(number);
                        if (i >= 0 && ws.SetOf[i] == set) order[n++] = ws.Position[i];
                    }
                    sorted[d] = order;
                }
            }
        }
        bool[]? pending = null;
        if (set == BadSet)
        {
            // Constant liar: pending trials are bad observations of reduced weight that do not shape the others' kernels.
            for (var k = 0; k < size; k++)
            {
                if (!ws.IsPending[components[k]]) continue;
                pending ??= new bool[size];
                pending[k] = true;
                weights[k] *= Settings.LiarWeight;
            }
        }
        return ParzenEstimator.Fit(dims, rows, components, weights, SettingsFor(dims), sorted, pending, floorCredit);
    }

    /// <summary>Observation weights for n observations, oldest first.</summary>
    private double[] Weights(int n)
    {
        var w = new double[n];
        Array.Fill(w, 1.0);
        if (Settings.Weighting != TpeWeighting.Recent || n <= TpeSettings.RecentWindow) return w;
        // The oldest n - window observations ramp linearly from 1/n up to 1.
        var ramp = n - TpeSettings.RecentWindow;
        for (var j = 0; j < ramp; j++)
            w[j] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * j / (ramp - 1);
        return w;
    }

    private const byte GoodSet = 1;
    private const byte BadSet = 2;

    /// <summary>Per-suggestion scratch arrays indexed by position in the history, shared by the groups.</summary>
    private sealed class Workspace
    {
        private readonly int[]? _indexOfNumber;
        private readonly Dictionary<int, int>? _sparseIndexOfNumber;

        public Workspace(TrialHistory history)
        {
            var trials = history.Trials;
            SetOf = new byte[trials.Count];
            AgeRank = new int[trials.Count];
            Position = new int[trials.Count];
            Rank = new int[trials.Count];
            IsPending = new bool[trials.Count];
            // Trial numbers are normally 0..n-1; a sparse numbering falls back to a dictionary. (Plain loops: LINQ
            // over the list interface cost about 0.1 ms at 3,000 trials.)
            var maxNumber = -1;
            var allNonNegative = true;
            for (var i = 0; i < trials.Count; i++)
            {
                var number = trials[i].Number;
                if (number > maxNumber) maxNumber = number;
                if (number < 0) allNonNegative = false;
            }
            if (maxNumber < 4 * trials.Count + 1024 && allNonNegative)
            {
                _indexOfNumber = new int[maxNumber + 1];
                Array.Fill(_indexOfNumber, -1);
                for (var i = 0; i < trials.Count; i++) _indexOfNumber[trials[i].Number] = i;
            }
            else
            {
                _sparseIndexOfNumber = new Dictionary<int, int>(trials.Count);
                for (var i = 0; i < trials.Count; i++) _sparseIndexOfNumber[trials[i].Number] = i;
            }
        }

        /// <summary>For each history position: 0 when not an observation of the current group, else its set.</summary>
        public byte[] SetOf { get; }

        /// <summary>For each history position: its rank by age within its set.</summary>
        public int[] AgeRank { get; }

        /// <summary>For each history position: its rank among the current group's observations (0 = best).</summary>
        public int[] Rank { get; }

        /// <summary>For each history position: true when the trial is pending (a constant-liar observation).</summary>
        public bool[] IsPending { get; }

        /// <summary>The exponent of the current group's rank weights (1 unless the lag compensation is active).</summary>
        public double RankExponent { get; set; } = 1.0;

        /// <summary>The size of the current group's good set.</summary>
        public int GoodSize { get; set; }

        /// <summary>For each history position: its component index in the estimator being fitted.</summary>
        public int[] Position { get; }

        /// <summary>The history position of a trial number, or -1 when the history lacks it.</summary>
        public int IndexOf(int number)
        {
            if (_indexOfNumber is { } dense) return number >= 0 && number < dense.Length ? dense[number] : -1;
            return _sparseIndexOfNumber!.TryGetValue(number, out var i) ? i : -1;
        }
    }
}
