using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// The settings of the TPE optimizer, read from the spec's <c>optimizer</c> object (camelCase field names). Every
/// default here is documented in docs/optimizers.md with what it was measured to do.
/// </summary>
public sealed record TpeSettings
{
    /// <summary>Observations weigh fully in the <see cref="TpeWeighting.Recent"/> scheme when among this many newest.</summary>
    public const int RecentWindow = 25;

    /// <summary>
    /// Trials drawn from the initial design before the model is used: trials with a value, plus pending ones with
    /// <see cref="LagCompensation"/> (the model needs at least one value either way). Default 10.
    /// </summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the "good" density per group; the one with the best density ratio wins. Default 24.</summary>
    public int NEiCandidates { get; init; } = 24;

    /// <summary>
    /// Fraction of the observations with a value that form the "good" group: ceil(gamma * n), at most
    /// <see cref="MaxGoodTrials"/>. Default 0.2 (Optuna uses 0.1; 0.2 measured better at budget 100).
    /// </summary>
    public double Gamma { get; init; } = 0.2;

    /// <summary>Upper bound on the size of the "good" group. Default 25.</summary>
    public int MaxGoodTrials { get; init; } = 25;

    /// <summary>Weight of the prior kernel (uniform-ish over the range) relative to one observation; 0 disables it. Default 1.</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>
    /// The prior weight of a group that chooses a branch of a conditional space (a parameter named by other
    /// parameters' conditions), when above <see cref="PriorWeight"/>: it keeps every branch alive until its own
    /// parameters have been tried. No effect on spaces without conditions. Default 10.
    /// </summary>
    public double BranchPriorWeight { get; init; } = 10.0;

    /// <summary>With the neighbour rule, let the range's ends count as neighbours of the outermost kernels. Default false.</summary>
    public bool ConsiderEndpoints { get; init; }

    /// <summary>Keep kernels at least 1 / min(100, n + 1) of the range wide (Hyperopt's "magic clip"). Default true.</summary>
    public bool ConsiderMagicClip { get; init; } = true;

    /// <summary>
    /// Model parameters jointly (one KDE per group of co-active parameters) instead of independently. Default true:
    /// it beat univariate TPE on every benchmark problem.
    /// </summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>How kernel widths are chosen; null means the mode's default (see <see cref="EffectiveBandwidth"/>).</summary>
    public TpeBandwidthRule? Bandwidth { get; init; }

    /// <summary>The factor of Scott's rule (<see cref="TpeBandwidthRule.Scott"/>, <see cref="TpeBandwidthRule.Adaptive"/>). Default 0.2.</summary>
    public double BandwidthFactor { get; init; } = 0.2;

    /// <summary>Kernels are never narrower than this fraction of the range. Default 0.</summary>
    public double MinBandwidth { get; init; }

    /// <summary>How observations are weighted. Default <see cref="TpeWeighting.Recent"/>.</summary>
    public TpeWeighting Weighting { get; init; } = TpeWeighting.Recent;

    /// <summary>Count pending trials as bad observations so parallel workers are pushed apart. Default true.</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>Weight of a pending trial's kernel in the bad density, relative to a real observation. Default 0.1.</summary>
    public double LiarWeight { get; init; } = 0.1;

    /// <summary>
    /// Width of a pending trial's kernel in the bad density, as a fraction of the width the bandwidth rule and the
    /// width floor give it (never below a tiny absolute floor). Default 0.5: the liar then keeps parallel workers off
    /// each other's points without pushing them away from the best region.
    /// </summary>
    public double LiarBandwidthFactor { get; init; } = 0.5;

    /// <summary>
    /// Compensate for the results parallel workers have not reported yet: while trials are pending, the startup phase
    /// counts them, the good density's rank weights are raised to <see cref="PendingRankExponent"/> and its width
    /// floor is lowered by <see cref="PendingFloorCredit"/>. Sequential suggestions are unaffected. Default true.
    /// </summary>
    public bool LagCompensation { get; init; } = true;

    /// <summary>
    /// Exponent applied to the good observations' rank weights while trials are pending (with
    /// <see cref="LagCompensation"/> and <see cref="RankWeighting"/>); 1 leaves them linear. Default 6.
    /// </summary>
    public double PendingRankExponent { get; init; } = 6.0;

    /// <summary>
    /// While trials are pending (with <see cref="LagCompensation"/> and <see cref="ConsiderMagicClip"/>), each counts
    /// as this many kernels divided by the group's parameter count in the good density's width floor
    /// (1 / min(100, kernels + 1)). 0 leaves the floor alone. Default 6.
    /// </summary>
    public double PendingFloorCredit { get; init; } = 6.0;

    /// <summary>
    /// What the model believes of pending trials besides their liar kernels: <c>"gp"</c> (a Gaussian process fitted
    /// to the completed trials predicts each pending trial's value, never better than the best observation, and the
    /// trial also enters the model as an observation with that value; see <see cref="PendingBelief"/>) or
    /// <c>"none"</c>. Only while trials are pending, so sequential suggestions are unaffected. Default "gp".
    /// </summary>
    public string PendingBelief { get; init; } = "gp";

    /// <summary>
    /// The pending belief is formed only up to this many completed trials (its Gaussian process costs O(n^3); later
    /// on, the results parallel workers lack are a small part of the history). Default 300.
    /// </summary>
    public int PendingBeliefMaxTrials { get; init; } = 300;

    /// <summary>Weigh good observations by rank (the best 1, the k-th of G (G - k) / G) instead of equally. Default true.</summary>
    public bool RankWeighting { get; init; } = true;

    /// <summary>The initial design of the startup trials (see <see cref="InitialDesign.Kinds"/>). Default "random".</summary>
    public string InitialDesign { get; init; } = "random";

    /// <summary>
    /// How trials stopped early are learnt from (<c>multiFidelity</c>, <c>fidelityMinTrials</c>; see
    /// <see cref="BudgetLevel"/>). The level needs max(nStartupTrials, parameters + 1) trials unless set.
    /// </summary>
    public MultiFidelitySettings MultiFidelity { get; init; } = MultiFidelitySettings.Default;

    /// <summary>The bandwidth rule in force: the explicit one, else the neighbour rule (in both modes).</summary>
    public TpeBandwidthRule EffectiveBandwidth => Bandwidth ?? TpeBandwidthRule.Neighbor;

    /// <summary>How many of <paramref name="count"/> ranked observations form the good group (before excluding pending ones).</summary>
    public int GoodCount(int count) => Math.Min((int)Math.Ceiling(Gamma * count), MaxGoodTrials);

    /// <summary>Reads and validates the settings; errors are <see cref="SpecException"/>s naming the field.</summary>
    public static TpeSettings Read(OptimizerSpec spec)
    {
        var r = spec.Reader();
        var defaults = new TpeSettings();
        var bandwidth = r.GetOptionalString("bandwidth", "auto", "neighbor", "scott", "adaptive");
        var settings = new TpeSettings
        {
            NStartupTrials = r.GetInt("nStartupTrials", defaults.NStartupTrials, 0, 1_000_000),
            NEiCandidates = r.GetInt("nEiCandidates", defaults.NEiCandidates, 1, 100_000),
            Gamma = r.GetDouble("gamma", defaults.Gamma, 0.0, 1.0),
            MaxGoodTrials = r.GetInt("maxGoodTrials", defaults.MaxGoodTrials, 1, 1_000_000),
            PriorWeight = r.GetDouble("priorWeight", defaults.PriorWeight, 0.0, 1e6),
            BranchPriorWeight = r.GetDouble("branchPriorWeight", defaults.BranchPriorWeight, 0.0, 1e6),
            ConsiderEndpoints = r.GetBool("considerEndpoints", defaults.ConsiderEndpoints),
            ConsiderMagicClip = r.GetBool("considerMagicClip", defaults.ConsiderMagicClip),
            Multivariate = r.GetBool("multivariate", defaults.Multivariate),
            Bandwidth = bandwidth switch
            {
                null or "auto" => null,
                "neighbor" => TpeBandwidthRule.Neighbor,
                "scott" => TpeBandwidthRule.Scott,
                _ => TpeBandwidthRule.Adaptive,
            },
            BandwidthFactor = r.GetDouble("bandwidthFactor", defaults.BandwidthFactor, 1e-6, 10.0),
            MinBandwidth = r.GetDouble("minBandwidth", defaults.MinBandwidth, 0.0, 1.0),
            Weighting = r.GetString("weighting", "recent", "recent", "uniform") == "uniform" ? TpeWeighting.Uniform : TpeWeighting.Recent,
            ConstantLiar = r.GetBool("constantLiar", defaults.ConstantLiar),
            LiarWeight = r.GetDouble("liarWeight", defaults.LiarWeight, 0.0, 1e6),
            LiarBandwidthFactor = r.GetDouble("liarBandwidthFactor", defaults.LiarBandwidthFactor, 1e-3, 10.0),
            RankWeighting = r.GetBool("rankWeighting", defaults.RankWeighting),
            LagCompensation = r.GetBool("lagCompensation", defaults.LagCompensation),
            PendingRankExponent = r.GetDouble("pendingRankExponent", defaults.PendingRankExponent, 0.0, 100.0),
            PendingFloorCredit = r.GetDouble("pendingFloorCredit", defaults.PendingFloorCredit, 0.0, 1e6),
            InitialDesign = r.GetString("initialDesign", defaults.InitialDesign, Designs.InitialDesign.Kinds.ToArray()),
            PendingBelief = r.GetString("pendingBelief", defaults.PendingBelief, "gp", "none"),
            PendingBeliefMaxTrials = r.GetInt("pendingBeliefMaxTrials", defaults.PendingBeliefMaxTrials, 0, 1_000_000),
            MultiFidelity = MultiFidelitySettings.Read(r),
        };
        if (settings.Gamma <= 0) throw new SpecException(r.PathOf("gamma"), "must be greater than 0");
        r.EnsureNoUnknownFields();
        return settings;
    }
}
