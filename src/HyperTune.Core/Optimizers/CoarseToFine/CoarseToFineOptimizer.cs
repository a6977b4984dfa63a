using System.Collections.Immutable;
using System.Globalization;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.CoarseToFine;

/// <summary>
/// Coarse-to-fine search. Round 0 sweeps the whole space (scrambled Sobol points by default). Each later round r
/// picks the <c>topK</c> best completed trials of the earlier rounds that are at least half a region apart, and
/// searches boxes of side <c>shrink^r</c> (in unit coordinates, log scales in log space) around them, with
/// categorical parameters restricted to the choices those top trials use. Trials of a round go to its regions in
/// turn. The round of trial n follows from n and the schedule <c>trialsPerRound</c>; the last round goes on for as
/// long as the study does. Each trial records <c>c2f.round</c>, <c>c2f.region</c> (-1 in a whole-space sweep) and
/// <c>c2f.center</c> (the trial number the region is centered on), and a rebuilt optimizer reads rounds back from
/// these attributes, so it continues exactly where the lost one stopped.
/// </summary>
public sealed class CoarseToFineOptimizer : IOptimizer
{
    /// <summary>Attribute: the round of a trial.</summary>
    public const string RoundAttribute = "c2f.round";

    /// <summary>Attribute: the index of the region within its round (-1 for a whole-space point).</summary>
    public const string RegionAttribute = "c2f.region";

    /// <summary>Attribute: the number of the trial the region is centered on.</summary>
    public const string CenterAttribute = "c2f.center";

    /// <summary>How many fresh draws inside the region (then as many in the whole space) replace a point already tried.</summary>
    public const int DuplicateRetries = 32;

    private readonly SearchSpace _space;
    private readonly long _seed;
    private readonly CoarseToFineSettings _settings;

    /// <summary>Creates the optimizer from its spec.</summary>
    public CoarseToFineOptimizer(SearchSpace space, OptimizerSpec spec) : this(space, spec.Seed, CoarseToFineSettings.Read(spec)) { }

    /// <summary>Creates the optimizer from settings.</summary>
    public CoarseToFineOptimizer(SearchSpace space, long seed, CoarseToFineSettings settings)
    {
        _space = space;
        _seed = seed;
        _settings = settings;
    }

    /// <summary>The settings in use.</summary>
    public CoarseToFineSettings Settings => _settings;

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        var (round, indexInRound) = _settings.RoundOf(trialNumber);
        var taken = new HashSet<Configuration>(history.Trials.Select(t => t.Params));
        var regions = round == 0 ? new List<(TrialRecord Center, SearchRegion Region)>() : Regions(history, round);
        if (regions.Count == 0)
        {
            // The coarse sweep (or a refining round with nothing completed yet to refine around).
            var point = _settings.Sampler == RegionSampler.Sobol
                ? InitialDesign.Point("sobol", _space, _seed, trialNumber)
                : _space.Sample(SeededRandom.Derive(_seed, trialNumber, SeededRandom.StableHash("c2f.coarse")));
            return Suggestion(Deduplicate(point, SearchRegion.Whole(_space), taken, trialNumber), round, -1, null);
        }
        var k = indexInRound % regions.Count;
        var j = indexInRound / regions.Count;
        var (center, region) = regions[k];
        var unit = _settings.Sampler == RegionSampler.Sobol
            ? new SobolSequence(_space.Parameters.Count, SobolScrambling.Owen,
                SeededRandom.Mix(_seed, round, k, SeededRandom.StableHash("c2f.region"))).Point(j)
            : RandomUnit(SeededRandom.Derive(_seed, trialNumber, SeededRandom.StableHash("c2f.random")));
        return Suggestion(Deduplicate(region.At(unit), region, taken, trialNumber), round, k, center.Number);
    }

    /// <summary>
    /// The regions of a refining round: around the best completed trials of earlier rounds, skipping any trial
    /// within half a region side of an already chosen center (so regions do not pile up on one spot).
    /// </summary>
    public List<(TrialRecord Center, SearchRegion Region)> Regions(TrialHistory history, int round)
    {
        var side = _settings.SideOf(round);
        var eligible = history.Completed
            .Where(t => RoundOfTrial(t) < round && double.IsFinite(t.Value!.Value))
            .OrderBy(history.Loss).ThenBy(t => t.Number)
            .ToList();
        var centers = new List<TrialRecord>();
        foreach (var t in eligible)
        {
            if (centers.Count >= _settings.TopK) break;
            if (centers.All(c => Apart(c.Params, t.Params, side / 2))) centers.Add(t);
        }
        var allowed = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        var fallback = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in _space.Parameters)
        {
            var values = centers.Where(c => c.Params.ContainsKey(p.Name)).Select(c => c.Params[p.Name]).ToList();
            if (values.Count == 0) continue;
            switch (p)
            {
                case CategoricalParameter cat:
                    allowed[p.Name] = cat.Choices.Where(choice => values.Any(v => ParameterValues.Equals(v, choice))).ToList();
                    break;
                case NumericParameter n:
                    fallback[p.Name] = values.Average(v => n.ToUnit(v));
                    break;
            }
        }
        return centers.Select(c => (c, SearchRegion.Around(_space, c.Params, side, allowed, fallback))).ToList();
    }

    private int RoundOfTrial(TrialRecord t) =>
        t.Attributes.TryGetValue(RoundAttribute, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r)
            ? r
            : _settings.RoundOf(t.Number).Round;

    private bool Apart(Configuration a, Configuration b, double distance)
    {
        foreach (var p in _space.Parameters)
        {
            var inA = a.TryGetValue(p.Name, out var va);
            var inB = b.TryGetValue(p.Name, out var vb);
            if (inA != inB) return true;
            if (!inA) continue;
            if (p is NumericParameter n ? Math.Abs(n.ToUnit(va!) - n.ToUnit(vb!)) > distance : !ParameterValues.Equals(va, vb)) return true;
        }
        return false;
    }

    private Configuration Deduplicate(Configuration point, SearchRegion region, HashSet<Configuration> taken, int trialNumber)
    {
        // Integer and categorical parameters make repeats likely in small regions: redraw inside the region, and
        // when the region looks exhausted, anywhere in the space (a repeat is accepted only if that fails too).
        var whole = SearchRegion.Whole(_space);
        for (var attempt = 1; attempt <= 2 * DuplicateRetries && taken.Contains(point); attempt++)
            point = (attempt <= DuplicateRetries ? region : whole)
                .At(RandomUnit(SeededRandom.Derive(_seed, trialNumber, attempt, SeededRandom.StableHash("c2f.retry"))));
        return point;
    }

    private double[] RandomUnit(SeededRandom random)
    {
        var u = new double[_space.Parameters.Count];
        for (var i = 0; i < u.Length; i++) u[i] = random.NextDouble();
        return u;
    }

    private static TrialSuggestion Suggestion(Configuration config, int round, int region, int? center)
    {
        var attributes = ImmutableDictionary<string, string>.Empty
            .Add(RoundAttribute, round.ToString(CultureInfo.InvariantCulture))
            .Add(RegionAttribute, region.ToString(CultureInfo.InvariantCulture));
        if (center is { } c) attributes = attributes.Add(CenterAttribute, c.ToString(CultureInfo.InvariantCulture));
        return new TrialSuggestion(config) { Attributes = attributes };
    }
}
