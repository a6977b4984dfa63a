using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>Settings of the <c>rf</c> optimizer (see docs/optimizers.md for what each does and its default).</summary>
public sealed record RandomForestSettings
{
    /// <summary>Trees in the forest.</summary>
    public int Trees { get; init; } = 10;

    /// <summary>Grow each tree on a bootstrap sample.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>Fraction of the parameters considered at each split.</summary>
    public double FeatureFraction { get; init; } = 1.0;

    /// <summary>Fewest samples a node needs to be split.</summary>
    public int MinSamplesSplit { get; init; } = 3;

    /// <summary>Fewest samples on each side of a split.</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>Depth limit of the trees.</summary>
    public int MaxDepth { get; init; } = 20;

    /// <summary>Add the mean within-leaf variance to the across-tree variance.</summary>
    public bool WithinLeafVariance { get; init; } = true;

    /// <summary>
    /// Model log(loss - best + margin) instead of the loss; null (the default) decides by the space: on, except for
    /// a conditional space (parameters that exist only on a branch). There the log magnifies the differences near the
    /// incumbent's branch until every other branch looks alike and hopeless, and the search stays on the first branch
    /// that looked good (cond-pipeline, 100 trials: median regret 0.05 with the log, 0.011 without; docs/optimizers.md).
    /// </summary>
    public bool? LogTransform { get; init; }

    /// <summary>Design used for the first trials.</summary>
    public string InitialDesign { get; init; } = "sobol";

    /// <summary>How many trials come from the initial design.</summary>
    public int InitialTrials { get; init; } = 10;

    /// <summary>Probability that a model-phase trial is a random configuration instead (SMAC's interleaving).</summary>
    public double RandomFraction { get; init; } = 0.2;

    /// <summary>Random configurations scored by the acquisition per suggestion.</summary>
    public int RandomCandidates { get; init; } = 1000;

    /// <summary>Local searches per suggestion, started from the configurations with the best acquisition.</summary>
    public int LocalSearchStarts { get; init; } = 10;

    /// <summary>How many of the local searches start from the best observed configurations (by loss).</summary>
    public int IncumbentStarts { get; init; } = 5;

    /// <summary>Most moves per local search.</summary>
    public int LocalSearchSteps { get; init; } = 50;

    /// <summary>Normal draws per numeric parameter in a local-search neighbourhood.</summary>
    public int NeighbourSamples { get; init; } = 4;

    /// <summary>Standard deviation of those draws, in unit coordinates.</summary>
    public double NeighbourScale { get; init; } = 0.2;

    /// <summary>Exploration margin of expected improvement, in model units.</summary>
    public double Xi { get; init; } = 0.0;

    /// <summary>How pending trials enter the model.</summary>
    public PendingStrategy Pending { get; init; } = PendingStrategy.Max;

    /// <summary>
    /// How trials stopped early are learnt from (<c>multiFidelity</c>, <c>fidelityMinTrials</c>; see
    /// <see cref="Fidelity.BudgetLevel"/>). The level needs max(initialTrials, encoded dimensions + 1) trials unless
    /// set.
    /// </summary>
    public Fidelity.MultiFidelitySettings MultiFidelity { get; init; } = Fidelity.MultiFidelitySettings.Default;

    /// <summary>Reads and validates the settings of an <c>rf</c> optimizer spec.</summary>
    /// <exception cref="SpecException">A setting is out of range, of the wrong type, or unknown.</exception>
    public static RandomForestSettings Read(OptimizerSpec spec)
    {
        var r = spec.Reader();
        var d = new RandomForestSettings();
        var s = new RandomForestSettings
        {
            Trees = r.GetInt("trees", d.Trees, 1, 1000),
            Bootstrap = r.GetBool("bootstrap", d.Bootstrap),
            FeatureFraction = r.GetDouble("featureFraction", d.FeatureFraction, 0.01, 1),
            MinSamplesSplit = r.GetInt("minSamplesSplit", d.MinSamplesSplit, 2, 1000),
            MinSamplesLeaf = r.GetInt("minSamplesLeaf", d.MinSamplesLeaf, 1, 1000),
            MaxDepth = r.GetInt("maxDepth", d.MaxDepth, 1, 64),
            WithinLeafVariance = r.GetBool("withinLeafVariance", d.WithinLeafVariance),
            LogTransform = r.Has("logTransform") ? r.GetBool("logTransform", true) : d.LogTransform,
            InitialDesign = r.GetString("initialDesign", d.InitialDesign, Designs.InitialDesign.Kinds.ToArray()),
            InitialTrials = r.GetInt("initialTrials", d.InitialTrials, 2, 100_000),
            RandomFraction = r.GetDouble("randomFraction", d.RandomFraction, 0, 1),
            RandomCandidates = r.GetInt("randomCandidates", d.RandomCandidates, 1, 1_000_000),
            LocalSearchStarts = r.GetInt("localSearchStarts", d.LocalSearchStarts, 0, 1000),
            IncumbentStarts = r.GetInt("incumbentStarts", d.IncumbentStarts, 0, 1000),
            LocalSearchSteps = r.GetInt("localSearchSteps", d.LocalSearchSteps, 0, 10_000),
            NeighbourSamples = r.GetInt("neighbourSamples", d.NeighbourSamples, 1, 100),
            NeighbourScale = r.GetDouble("neighbourScale", d.NeighbourScale, 1e-6, 1),
            Xi = r.GetDouble("xi", d.Xi, 0, 100),
            Pending = r.GetString("pending", "max", "mean", "max", "ignore") switch
            {
                "mean" => PendingStrategy.Mean,
                "ignore" => PendingStrategy.Ignore,
                _ => PendingStrategy.Max,
            },
            MultiFidelity = Fidelity.MultiFidelitySettings.Read(r),
        };
        r.EnsureNoUnknownFields();
        return s;
    }
}
