using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// The settings of the <c>cmaes</c> optimizer, read from the spec's <c>optimizer</c> object. Distances (step sizes,
/// tolerances) are in the unit cube the optimizer works in, where every parameter's range (log range on log
/// scales) has length 1. See <c>docs/optimizers.md</c>.
/// </summary>
public sealed record CmaEsSettings
{
    /// <summary>λ, the number of samples per generation; null means <see cref="CmaEsParameters.DefaultPopulationSize"/>.</summary>
    public int? PopulationSize { get; init; }

    /// <summary>The initial step size σ0 (standard deviation of each coordinate at the start of a run).</summary>
    public double Sigma0 { get; init; } = 0.15;

    /// <summary>Where the first run starts when there are no startup trials: the cube's center or a random point.</summary>
    public bool RandomInitialMean { get; init; }

    /// <summary>How many trials of the initial design to evaluate before the first generation (0: none).</summary>
    public int StartupTrials { get; init; }

    /// <summary>The initial design the startup trials come from (<see cref="InitialDesign.Kinds"/>).</summary>
    public string InitialDesignKind { get; init; } = "random";

    /// <summary>
    /// With startup trials: the fraction of them, best first, whose mean and spread set the first run's mean, step
    /// size and covariance (as in warm-starting CMA-ES).
    /// </summary>
    public double WarmStartFraction { get; init; } = 0.25;

    /// <summary>What happens when a run converges or stagnates.</summary>
    public RestartStrategy Restart { get; init; } = RestartStrategy.Ipop;

    /// <summary>The factor by which IPOP (and BIPOP's large regime) grows the population at each restart.</summary>
    public double IncreasePopulationFactor { get; init; } = 2.0;

    /// <summary>A run has converged when every coordinate's standard deviation (and evolution path) is below this.</summary>
    public double TolX { get; init; } = 1e-8;

    /// <summary>A run has converged when the recent best values and the whole last generation span less than this.</summary>
    public double TolFun { get; init; } = 1e-12;

    /// <summary>A run stops when the covariance matrix's condition number exceeds this.</summary>
    public double ConditionLimit { get; init; } = 1e14;

    /// <summary>How samples outside the cube are repaired.</summary>
    public BoundHandling Bounds { get; init; } = BoundHandling.Resample;

    /// <summary>
    /// The margin α for integer and stepped parameters (CMA-ES with margin): the probability of leaving the cell of
    /// the current value on each open side never drops below α/2. Null means 1 / (n λ); 0 disables it.
    /// </summary>
    public double? IntegerMargin { get; init; }

    /// <summary>
    /// α_cov, the factor of both covariance learning rates (c_1 and c_μ). Hansen's default is 2; 4 adapts the
    /// shape of the distribution about twice as fast, which measured better at tuning budgets (about 100 trials).
    /// </summary>
    public double CovarianceLearningScale { get; init; } = 4.0;

    /// <summary>Active CMA: the worst samples of a generation shrink the covariance along their directions.</summary>
    public bool ActiveCovariance { get; init; } = true;

    /// <summary>Reads and validates the settings; errors name the field (<c>optimizer.sigma0</c>...).</summary>
    public static CmaEsSettings Read(OptimizerSpec spec)
    {
        var defaults = new CmaEsSettings();
        var r = spec.Reader();
        var settings = new CmaEsSettings
        {
            PopulationSize = (int?)r.GetOptionalLong("populationSize", 2, 100_000),
            Sigma0 = r.GetDouble("sigma0", defaults.Sigma0, 1e-6, 2.0),
            RandomInitialMean = r.GetString("initialMean", "center", "center", "random") == "random",
            StartupTrials = r.GetInt("nStartupTrials", defaults.StartupTrials, 0, 100_000),
            InitialDesignKind = r.GetString("initialDesign", defaults.InitialDesignKind, InitialDesign.Kinds.ToArray()),
            WarmStartFraction = r.GetDouble("warmStartFraction", defaults.WarmStartFraction, 0.01, 1.0),
            Restart = r.GetString("restartStrategy", "ipop", "ipop", "bipop", "none") switch
            {
                "bipop" => RestartStrategy.Bipop,
                "none" => RestartStrategy.None,
                _ => RestartStrategy.Ipop,
            },
            IncreasePopulationFactor = r.GetDouble("incPopSize", defaults.IncreasePopulationFactor, 1.0, 10.0),
            TolX = r.GetDouble("tolX", defaults.TolX, 0, 1),
            TolFun = r.GetDouble("tolFun", defaults.TolFun, 0),
            ConditionLimit = r.GetDouble("conditionLimit", defaults.ConditionLimit, 10, 1e300),
            Bounds = r.GetString("boundHandling", "resample", "resample", "reflect") == "reflect" ? BoundHandling.Reflect : BoundHandling.Resample,
            IntegerMargin = r.GetOptionalDouble("integerMargin", 0, 0.5),
            ActiveCovariance = r.GetBool("activeCovariance", defaults.ActiveCovariance),
            CovarianceLearningScale = r.GetDouble("alphaCov", defaults.CovarianceLearningScale, 0.5, 6),
        };
        r.EnsureNoUnknownFields();
        return settings;
    }
}
