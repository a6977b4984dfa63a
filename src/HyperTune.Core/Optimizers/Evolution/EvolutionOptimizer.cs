using System.Collections.Immutable;
using System.Globalization;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>
/// Evolutionary search: a first generation from a design, then children bred from the surviving population by
/// selection, crossover and mutation (<see cref="EvolutionSettings"/>). With several objectives it is NSGA-II:
/// survival and selection by constrained non-dominated rank and crowding distance. Each trial records its
/// generation, its parents and the operator that made it (<see cref="GenerationAttribute"/>,
/// <see cref="ParentsAttribute"/>, <see cref="OperatorAttribute"/>).
/// </summary>
/// <remarks>
/// Generational mode proposes a generation as a batch, then answers "wait" until every member has finished; the
/// next generation's survivors are the best of the new members and the previous population's elite. The
/// population of every generation is rebuilt from the history (members are known by their generation attribute;
/// trials without one, such as <c>optimizer.initial</c> points, belong to generation 0), and a member's
/// randomness derives from the seed, its generation and its place in it: a coordinator recovered in the middle of
/// a generation proposes the same remaining members. Steady-state mode breeds each trial from the best finished
/// trials so far and never waits.
/// </remarks>
public sealed class EvolutionOptimizer : IOptimizer
{
    /// <summary>The attribute holding a trial's generation (0 for the initial design).</summary>
    public const string GenerationAttribute = "evolution.generation";

    /// <summary>The attribute holding a trial's parents' numbers, comma-separated (absent for the design).</summary>
    public const string ParentsAttribute = "evolution.parents";

    /// <summary>The attribute naming the operator that made a trial (<c>design</c>, <c>sbx+mutation</c>, ...).</summary>
    public const string OperatorAttribute = "evolution.operator";

    // Attempts at breeding a configuration not tried before, mutation forced after the first.
    private const int BreedAttempts = 8;

    private static readonly long BreedSalt = SeededRandom.StableHash("evolution.breed");

    private readonly SearchSpace _space;
    private readonly long _seed;
    private readonly Variation _variation;
    private readonly PopulationCache _populations = new();

    /// <summary>Creates the optimizer from its spec, validating the settings.</summary>
    public EvolutionOptimizer(SearchSpace space, OptimizerSpec spec) : this(space, EvolutionSettings.Read(spec), spec.Seed)
    {
    }

    /// <summary>Creates the optimizer from settings already read.</summary>
    public EvolutionOptimizer(SearchSpace space, EvolutionSettings settings, long seed)
    {
        _space = space;
        Settings = settings;
        _seed = seed;
        _variation = new Variation(space, settings);
    }

    /// <summary>The settings in use.</summary>
    public EvolutionSettings Settings { get; }

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber) =>
        Settings.Mode == EvolutionMode.SteadyState ? AskSteadyState(history, trialNumber) : AskGenerational(history, trialNumber);

    /// <summary>A trial's generation: its attribute, or 0 for a trial the optimizer did not make.</summary>
    public static int GenerationOf(TrialRecord trial) =>
        trial.Attributes.TryGetValue(GenerationAttribute, out var g) && int.TryParse(g, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n : 0;

    private OptimizerAnswer AskGenerational(TrialHistory history, int trialNumber)
    {
        var generations = Generations(history);
        var last = generations.Count - 1;
        var size = Settings.PopulationSize;
        if (last < 0 || (last == 0 && generations[0].Count < size))
            return Design(trialNumber, last < 0 ? 0 : generations[0].Count);
        if (generations[last].Count < size)
            return Offspring(history, generations, last, generations[last].Count);
        var running = generations[last].Count(t => !IsFinished(t));
        if (running > 0)
            return OptimizerAnswer.Wait($"generation {last}: {running} of its {generations[last].Count} members still running");
        return Offspring(history, generations, last + 1, 0);
    }

    private OptimizerAnswer AskSteadyState(TrialHistory history, int trialNumber)
    {
        var finished = history.Trials.Where(IsFinished).ToList();
        if (trialNumber < Settings.PopulationSize || finished.Count < 2) return Design(trialNumber, trialNumber);
        var population = PopulationRanking.Best(history, finished, Settings.PopulationSize);
        var random = SeededRandom.Derive(_seed, trialNumber, BreedSalt);
        return Breed(history, population, random, parents => parents.Max(GenerationOf) + 1);
    }

    private OptimizerAnswer Design(int trialNumber, int member) =>
        new TrialSuggestion(InitialDesign.Point(Settings.InitialDesign, _space, _seed, trialNumber))
        {
            Attributes = ImmutableDictionary<string, string>.Empty
                .Add(GenerationAttribute, "0")
                .Add(OperatorAttribute, "design"),
        };

    private OptimizerAnswer Offspring(TrialHistory history, List<List<TrialRecord>> generations, int generation, int member)
    {
        var population = Population(history, generations, generation - 1);
        var random = SeededRandom.Derive(_seed, generation, member, BreedSalt);
        return Breed(history, population, random, _ => generation);
    }

    /// <summary>A child of two parents selected from the best-first population, not a repeat of a trial if possible.</summary>
    private OptimizerAnswer Breed(TrialHistory history, List<TrialRecord> population, SeededRandom random,
        Func<TrialRecord[], int> generationOf)
    {
        var tried = history.Trials.Select(t => t.Params).ToHashSet();
        Configuration child = Configuration.Empty;
        string op = "copy";
        TrialRecord[] parents = Array.Empty<TrialRecord>();
        for (var attempt = 0; attempt < BreedAttempts; attempt++)
        {
            var first = Select(population, random);
            var second = Select(population, random, first);
            parents = new[] { population[first], population[second] };
            (child, op) = _variation.Breed(parents[0].Params, parents[1].Params, random, forceMutation: attempt > 0);
            if (!tried.Contains(child)) break;
        }
        var names = op.StartsWith("sbx", StringComparison.Ordinal) || op.StartsWith("uniform", StringComparison.Ordinal)
            ? $"{parents[0].Number},{parents[1].Number}"
            : parents[0].Number.ToString(CultureInfo.InvariantCulture);
        return new TrialSuggestion(child)
        {
            Attributes = ImmutableDictionary<string, string>.Empty
                .Add(GenerationAttribute, generationOf(parents).ToString(CultureInfo.InvariantCulture))
                .Add(ParentsAttribute, names)
                .Add(OperatorAttribute, op),
        };
    }

    /// <summary>An index into the best-first population by the configured selection, other than <paramref name="not"/> if possible.</summary>
    private int Select(List<TrialRecord> population, SeededRandom random, int not = -1)
    {
        var n = population.Count;
        for (var attempt = 0; ; attempt++)
        {
            int pick;
            if (Settings.Selection == SelectionKind.Truncation)
            {
                pick = random.NextInt(Math.Max(1, (int)Math.Ceiling(Settings.TruncationFraction * n)));
            }
            else
            {
                // Lower index is better: the tournament's winner is its smallest draw.
                pick = n;
                for (var k = 0; k < Math.Min(Settings.TournamentSize, n); k++) pick = Math.Min(pick, random.NextInt(n));
            }
            if (pick != not || n == 1 || attempt >= 4) return pick;
        }
    }

    /// <summary>The survivors after <paramref name="generation"/>, best first (cached per generation).</summary>
    private List<TrialRecord> Population(TrialHistory history, List<List<TrialRecord>> generations, int generation)
    {
        if (_populations.TryGet(generation, generations[generation], out var cached)) return cached;
        List<TrialRecord> population;
        if (generation == 0)
        {
            population = PopulationRanking.Best(history, generations[0], Settings.PopulationSize);
        }
        else
        {
            var previous = Population(history, generations, generation - 1);
            var elite = previous.Take(Settings.Elitism ?? Settings.PopulationSize);
            population = PopulationRanking.Best(history, generations[generation].Concat(elite).ToList(), Settings.PopulationSize);
        }
        _populations.Set(generation, generations[generation], population);
        return population;
    }

    private static List<List<TrialRecord>> Generations(TrialHistory history)
    {
        var generations = new List<List<TrialRecord>>();
        foreach (var t in history.Trials)
        {
            var g = GenerationOf(t);
            while (generations.Count <= g) generations.Add(new List<TrialRecord>());
            generations[g].Add(t);
        }
        return generations;
    }

    private static bool IsFinished(TrialRecord t) => t.State is TrialState.Complete or TrialState.Failed or TrialState.Pruned;
}
