using HyperTune.Core.Optimizers.CoarseToFine;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Optimizers.Grid;
using HyperTune.Core.Optimizers.Random;
using HyperTune.Core.Optimizers.RandomForest;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers;

/// <summary>Creates optimizers by the name a spec gives in <c>optimizer.type</c>.</summary>
public static class OptimizerFactory
{
    private delegate IOptimizer Create_(OptimizerSpec spec, SearchSpace space, StudyDirection direction);

    // One line per optimizer. Each constructor reads its settings from spec.Reader() and rejects unknown fields.
    private static readonly Dictionary<string, Create_> Registry = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = (spec, space, _) => new Auto.AutoOptimizer(space, spec),
        ["random"] = (spec, space, _) => new RandomOptimizer(space, spec),
        ["grid"] = (spec, space, _) => new GridOptimizer(space, spec),
        ["cmaes"] = (spec, space, _) => new CmaEs.CmaEsOptimizer(space, spec),
        ["sobol"] = (spec, space, _) => new SobolOptimizer(space, spec),
        ["rf"] = (spec, space, _) => new RandomForestOptimizer(space, spec),
        ["coarse-to-fine"] = (spec, space, _) => new CoarseToFineOptimizer(space, spec),
        ["tpe"] = (spec, space, _) => new TpeOptimizer(space, spec),
        ["gp"] = (spec, space, _) => new GaussianProcessOptimizer(space, spec),
        ["evolution"] = (spec, space, _) => new Evolution.EvolutionOptimizer(space, spec),
    };

    // Optimizers that follow one objective only: a multi-objective spec naming them is refused.
    private static readonly HashSet<string> SingleObjectiveOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "cmaes", "coarse-to-fine", "rf",
    };

    /// <summary>The optimizer names a spec may use.</summary>
    public static IReadOnlyList<string> KnownTypes => Registry.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="type"/> names an optimizer.</summary>
    public static bool IsKnown(string type) => Registry.ContainsKey(type);

    /// <summary>The optimizers that can serve a multi-objective study.</summary>
    public static IReadOnlyList<string> MultiObjectiveTypes => KnownTypes.Where(t => !SingleObjectiveOnly.Contains(t)).ToArray();

    /// <summary>Refuses an optimizer that cannot serve the study's objectives.</summary>
    /// <exception cref="SpecException">A single-objective optimizer named for several objectives.</exception>
    public static void CheckObjectives(string type, ObjectiveSpec objective)
    {
        if (objective.IsMultiObjective && SingleObjectiveOnly.Contains(type))
            throw new SpecException("optimizer.type", $"'{type}' optimizes a single objective; this study has " +
                $"{objective.Metrics.Count} ({string.Join(", ", objective.Metrics.Select(m => m.Name))}). Optimizers " +
                $"for several objectives: {string.Join(", ", MultiObjectiveTypes)}");
    }

    /// <summary>Creates the optimizer a spec asks for, validating its settings.</summary>
    /// <exception cref="SpecException">Unknown type or bad settings.</exception>
    public static IOptimizer Create(OptimizerSpec spec, SearchSpace space, StudyDirection direction)
    {
        if (!Registry.TryGetValue(spec.Type, out var create))
            throw new SpecException("optimizer.type", $"unknown optimizer '{spec.Type}'; known: {string.Join(", ", KnownTypes)}{JsonSettings.Suggest(spec.Type, KnownTypes)}");
        // Read before the optimizer so that it does not refuse the field as unknown.
        var initial = InitialPointsOptimizer.Read(new JsonSettings(spec.Settings, "optimizer"), space);
        var optimizer = create(spec, space, direction);
        return initial is null ? optimizer : new InitialPointsOptimizer(optimizer, initial);
    }
}
