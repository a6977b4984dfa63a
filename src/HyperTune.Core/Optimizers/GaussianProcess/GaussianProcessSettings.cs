using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>The settings of the <c>gp</c> optimizer (fields of the spec's <c>optimizer</c> object); see docs/optimizers.md.</summary>
public sealed record GaussianProcessSettings
{
    /// <summary>Trials taken from the initial design before the GP is used (<c>nStartupTrials</c>; default 2·parameters + 1, at least 5).</summary>
    public int StartupTrials { get; init; }

    /// <summary>
    /// The initial design (<c>initialDesign</c>; default <c>"stratified"</c>: random draws, branch choices of a
    /// conditional space taken in turn, which is plain random on a space without conditions).
    /// </summary>
    public string InitialDesign { get; init; } = "stratified";

    /// <summary>The acquisition function (<c>acquisition</c>; default <c>"logei"</c>).</summary>
    public AcquisitionKind Acquisition { get; init; } = AcquisitionKind.LogExpectedImprovement;

    /// <summary>Improvement margin of EI, log-EI and PI in standardized output units (<c>xi</c>; default 0).</summary>
    public double Xi { get; init; }

    /// <summary>β of the confidence bound μ - √β·σ (<c>ucbBeta</c>; default 4, i.e. two standard deviations).</summary>
    public double UcbBeta { get; init; } = 4;

    /// <summary>
    /// How losses become GP outputs (<c>outputTransform</c>; default <c>"power"</c>, <c>"standardize"</c> on a space
    /// with conditions: see <see cref="DefaultOutputTransform"/>).
    /// </summary>
    public OutputTransformKind OutputTransform { get; init; } = OutputTransformKind.Power;

    /// <summary>Uniformly random points scored per suggestion (<c>candidates</c>; default 1000).</summary>
    public int Candidates { get; init; } = 1000;

    /// <summary>How many of the best observed points get local perturbations scored (<c>localCenters</c>; default 5).</summary>
    public int LocalCenters { get; init; } = 5;

    /// <summary>Perturbations scored around each of those points (<c>perturbationsPerCenter</c>; default 50).</summary>
    public int PerturbationsPerCenter { get; init; } = 50;

    /// <summary>Best distinct candidates refined by local search (<c>localSearchStarts</c>; default 5).</summary>
    public int LocalSearchStarts { get; init; } = 5;

    /// <summary>
    /// How pending trials are fantasized (<c>pendingFantasies</c>; default 0). 0: each at its predicted mean, capped
    /// below at the best observation (a kriging believer); n > 0: n joint draws of their outcomes from the posterior,
    /// the acquisition averaged over them (a Monte-Carlo q-EI step).
    /// </summary>
    public int PendingFantasies { get; init; }

    /// <summary>
    /// While trials are pending, suggestions other than basin escapes are confined to the incumbent's neighbourhood of
    /// this radius, in fitted length scales (<c>pendingTrustRadius</c>; default
    /// <see cref="DefaultPendingTrustRadius"/>, none on a space with conditions: see
    /// <see cref="DefaultPendingTrustRadiusFor"/>; 0 disables). Sequential suggestions are unaffected.
    /// </summary>
    public double PendingTrustRadius { get; init; } = DefaultPendingTrustRadius;

    /// <summary>
    /// The default <see cref="PendingTrustRadius"/>: one length scale. Smaller radii refine better but leave more studies
    /// stuck in a wrong basin; larger ones lose much of the gain (measured in docs/optimizers.md).
    /// </summary>
    public const double DefaultPendingTrustRadius = 1;

    /// <summary>
    /// The default trust radius for a space: <see cref="DefaultPendingTrustRadius"/>, but none on a space with
    /// conditions. The incumbent's neighbourhood lies on the incumbent's branch, and with several workers nearly every
    /// suggestion is made while others are pending, so the trust region left the other branches only escape turns
    /// (cond-pipeline, 8 pending, 100 trials, seeds 10..49: 9 of 40 studies in the global branch with it, 34 without;
    /// docs/experiments/conditional-gp.md).
    /// </summary>
    public static double DefaultPendingTrustRadiusFor(SearchSpace space) =>
        space.HasConditions ? 0 : DefaultPendingTrustRadius;

    /// <summary>Starts of the hyperparameter fit (<c>hyperparameterStarts</c>; default 3).</summary>
    public int HyperparameterStarts { get; init; } = 3;

    /// <summary>L-BFGS iterations per hyperparameter start (<c>hyperparameterIterations</c>; default 100).</summary>
    public int HyperparameterIterations { get; init; } = 100;

    /// <summary>
    /// The hyperparameter fit uses at most this many observations: the best quarter plus an even spread of the others
    /// (<c>hyperparameterFitPoints</c>; default 100). Bounds the cost of a fit, which grows with the cube of the points.
    /// </summary>
    public int HyperparameterFitPoints { get; init; } = 100;

    /// <summary>Up to this many completed trials the hyperparameters are refitted on every suggestion (<c>refitAlwaysUpTo</c>; default 40).</summary>
    public int RefitAlwaysUpTo { get; init; } = 40;

    /// <summary>Beyond that, refit when the completed trials grew by this fraction since the last checkpoint (<c>refitGrowth</c>; default 0.1).</summary>
    public double RefitGrowth { get; init; } = 0.1;

    /// <summary>Completed trials without real improvement after which every second suggestion escapes the incumbent's basin (<c>escapeAfter</c>; default 10, 0 disables).</summary>
    public int EscapeAfter { get; init; } = 10;

    /// <summary>Radius of the incumbent's neighbourhood an escape avoids, in fitted length scales (<c>escapeRadius</c>; default 2).</summary>
    public double EscapeRadius { get; init; } = 2;

    /// <summary>Improvement of the best standardized output that counts as progress (<c>escapeMinImprovement</c>; default 0.001).</summary>
    public double EscapeMinImprovement { get; init; } = 0.001;

    /// <summary>
    /// On a space with conditions, an escape turn first tries the untried one-step discrete neighbours of the
    /// runner-up branch's best trial (<c>branchNeighbours</c>; default true; see
    /// <see cref="GaussianProcessOptimizer"/>).
    /// </summary>
    public bool BranchNeighbours { get; init; } = true;

    /// <summary>
    /// How trials stopped early are learnt from (<c>multiFidelity</c>, <c>fidelityMinTrials</c>; see
    /// <see cref="Fidelity.BudgetLevel"/>). The level needs max(nStartupTrials, encoded dimensions + 1) trials unless
    /// set.
    /// </summary>
    public Fidelity.MultiFidelitySettings MultiFidelity { get; init; } = Fidelity.MultiFidelitySettings.Default;

    /// <summary>The default number of startup trials for a space.</summary>
    public static int DefaultStartupTrials(SearchSpace space) => Math.Max(5, 2 * space.Parameters.Count + 1);

    /// <summary>
    /// The default output transform for a space: the power transform, except on a space with conditions. There the
    /// losses mix branches with their own levels, and the power transform, fitted to make that mixture look normal,
    /// spreads the bulk of values near the incumbent branch's best: its small refinements look like real progress and
    /// the other branches like certain losses, so the model settles on the first good branch (cond-pipeline, 100
    /// trials, seeds 10..49: 14 of 40 studies in the global branch with it, 33 with plain standardization; see
    /// docs/experiments/conditional-gp.md).
    /// </summary>
    public static string DefaultOutputTransform(SearchSpace space) => space.HasConditions ? "standardize" : "power";

    /// <summary>Reads and validates the settings; errors name the field.</summary>
    /// <exception cref="SpecException">A setting is missing its type, out of range, or unknown.</exception>
    public static GaussianProcessSettings Read(OptimizerSpec spec, SearchSpace space)
    {
        var r = spec.Reader();
        var settings = new GaussianProcessSettings
        {
            StartupTrials = r.GetInt("nStartupTrials", DefaultStartupTrials(space), 1, 100_000),
            InitialDesign = r.GetString("initialDesign", "stratified", Designs.InitialDesign.Kinds.ToArray()),
            Acquisition = r.GetString("acquisition", "logei", "logei", "ei", "pi", "ucb") switch
            {
                "ei" => AcquisitionKind.ExpectedImprovement,
                "pi" => AcquisitionKind.ProbabilityOfImprovement,
                "ucb" => AcquisitionKind.UpperConfidenceBound,
                _ => AcquisitionKind.LogExpectedImprovement,
            },
            Xi = r.GetDouble("xi", 0, 0, 10),
            UcbBeta = r.GetDouble("ucbBeta", 4, 1e-6, 1e6),
            OutputTransform = r.GetString("outputTransform", DefaultOutputTransform(space), "power", "standardize")
                              == "standardize"
                ? OutputTransformKind.Standardize
                : OutputTransformKind.Power,
            Candidates = r.GetInt("candidates", 1000, 1, 1_000_000),
            LocalCenters = r.GetInt("localCenters", 5, 0, 1000),
            PerturbationsPerCenter = r.GetInt("perturbationsPerCenter", 50, 0, 100_000),
            LocalSearchStarts = r.GetInt("localSearchStarts", 5, 0, 1000),
            PendingFantasies = r.GetInt("pendingFantasies", 0, 0, 1024),
            PendingTrustRadius = r.GetDouble("pendingTrustRadius", DefaultPendingTrustRadiusFor(space), 0, 100),
            HyperparameterStarts = r.GetInt("hyperparameterStarts", 3, 1, 100),
            HyperparameterIterations = r.GetInt("hyperparameterIterations", 100, 1, 10_000),
            HyperparameterFitPoints = r.GetInt("hyperparameterFitPoints", 100, 10, 2000),
            RefitAlwaysUpTo = r.GetInt("refitAlwaysUpTo", 40, 0, 1_000_000),
            RefitGrowth = r.GetDouble("refitGrowth", 0.1, 0, 10),
            EscapeAfter = r.GetInt("escapeAfter", 10, 0, 1_000_000),
            EscapeRadius = r.GetDouble("escapeRadius", 2, 0, 100),
            EscapeMinImprovement = r.GetDouble("escapeMinImprovement", 0.001, 0, 10),
            BranchNeighbours = r.GetBool("branchNeighbours", true),
            MultiFidelity = Fidelity.MultiFidelitySettings.Read(r),
        };
        r.EnsureNoUnknownFields();
        return settings;
    }
}
