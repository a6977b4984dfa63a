using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>
/// The settings of the evolutionary optimizer (<c>"optimizer": {"type": "evolution", ...}</c>), read from the spec
/// with camelCase field names; docs/optimizers.md lists them with their defaults.
/// </summary>
public sealed record EvolutionSettings
{
    /// <summary>
    /// Members per generation (and survivors kept between generations). Default 16: at tuning budgets of 100 to 300
    /// trials it measured better than Optuna's 50 (too few generations) and than 10 or 20 (docs/benchmarks.md).
    /// </summary>
    public int PopulationSize { get; init; } = 16;

    /// <summary>
    /// <c>generational</c> (a generation is proposed as a batch and the next waits for it) or <c>steady-state</c>
    /// (each new trial is bred from the best finished trials so far). Default generational.
    /// </summary>
    public EvolutionMode Mode { get; init; } = EvolutionMode.Generational;

    /// <summary><c>tournament</c> or <c>truncation</c> parent selection. Default tournament.</summary>
    public SelectionKind Selection { get; init; } = SelectionKind.Tournament;

    /// <summary>Contestants per tournament. Default 2 (binary tournament, as NSGA-II).</summary>
    public int TournamentSize { get; init; } = 2;

    /// <summary>Under truncation selection, the best fraction of the population parents are drawn from. Default 0.5.</summary>
    public double TruncationFraction { get; init; } = 0.5;

    /// <summary>
    /// Single objective: the best members of the previous population that compete with the new generation for
    /// survival (the rest of the population is replaced). Default: the whole population (a (mu + lambda) strategy,
    /// as NSGA-II always is). 0 replaces every generation wholly.
    /// </summary>
    public int? Elitism { get; init; }

    /// <summary><c>sbx</c> (simulated binary for numbers, uniform for categories) or <c>uniform</c>. Default sbx.</summary>
    public CrossoverKind Crossover { get; init; } = CrossoverKind.Sbx;

    /// <summary>Probability that a child is a crossover of two parents rather than a copy of one. Default 0.9.</summary>
    public double CrossoverRate { get; init; } = 0.9;

    /// <summary>Distribution index of simulated binary crossover: larger keeps children nearer their parents. Default 15.</summary>
    public double CrossoverEta { get; init; } = 15;

    /// <summary><c>polynomial</c> or <c>gaussian</c> mutation of numbers (in the unit or log scale). Default polynomial.</summary>
    public MutationKind Mutation { get; init; } = MutationKind.Polynomial;

    /// <summary>Probability that each parameter of a child mutates; null means 1 / (number of parameters).</summary>
    public double? MutationRate { get; init; }

    /// <summary>Distribution index of polynomial mutation. Default 20.</summary>
    public double MutationEta { get; init; } = 20;

    /// <summary>Standard deviation of Gaussian mutation in the unit scale. Default 0.1.</summary>
    public double MutationSigma { get; init; } = 0.1;

    /// <summary>The first generation's design: <c>random</c> or <c>sobol</c>. Default random.</summary>
    public string InitialDesign { get; init; } = "random";

    /// <summary>Reads and validates the settings; errors are <see cref="SpecException"/>s naming the field.</summary>
    public static EvolutionSettings Read(OptimizerSpec spec)
    {
        var r = spec.Reader();
        var d = new EvolutionSettings();
        var settings = new EvolutionSettings
        {
            PopulationSize = r.GetInt("populationSize", d.PopulationSize, 2, 100_000),
            Mode = r.GetString("mode", "generational", "generational", "steady-state") == "steady-state"
                ? EvolutionMode.SteadyState : EvolutionMode.Generational,
            Selection = r.GetString("selection", "tournament", "tournament", "truncation") == "truncation"
                ? SelectionKind.Truncation : SelectionKind.Tournament,
            TournamentSize = r.GetInt("tournamentSize", d.TournamentSize, 1, 1_000),
            TruncationFraction = r.GetDouble("truncationFraction", d.TruncationFraction, 1e-6, 1.0),
            Elitism = (int?)r.GetOptionalLong("elitism", 0, 100_000),
            Crossover = r.GetString("crossover", "sbx", "sbx", "uniform") == "uniform" ? CrossoverKind.Uniform : CrossoverKind.Sbx,
            CrossoverRate = r.GetDouble("crossoverRate", d.CrossoverRate, 0.0, 1.0),
            CrossoverEta = r.GetDouble("crossoverEta", d.CrossoverEta, 0.0, 1_000),
            Mutation = r.GetString("mutation", "polynomial", "polynomial", "gaussian") == "gaussian"
                ? MutationKind.Gaussian : MutationKind.Polynomial,
            MutationRate = r.GetOptionalDouble("mutationRate", 0.0, 1.0),
            MutationEta = r.GetDouble("mutationEta", d.MutationEta, 0.0, 1_000),
            MutationSigma = r.GetDouble("mutationSigma", d.MutationSigma, 1e-6, 10.0),
            InitialDesign = r.GetString("initialDesign", d.InitialDesign, Designs.InitialDesign.Kinds.ToArray()),
        };
        r.EnsureNoUnknownFields();
        if (settings.Elitism > settings.PopulationSize)
            throw new SpecException(r.PathOf("elitism"), $"{settings.Elitism} is more than the population size {settings.PopulationSize}");
        if (settings.TournamentSize > settings.PopulationSize)
            throw new SpecException(r.PathOf("tournamentSize"), $"{settings.TournamentSize} is more than the population size {settings.PopulationSize}");
        return settings;
    }
}
