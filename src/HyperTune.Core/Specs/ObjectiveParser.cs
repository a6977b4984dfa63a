using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Specs;

/// <summary>
/// Reads a spec's <c>objective</c> (one metric, <c>{"metric", "direction"}</c>, or several,
/// <c>{"metrics": [{"name", "direction"}, ...]}</c>) and its top-level <c>constraints</c>
/// (<c>[{"metric", "min"?, "max"?}, ...]</c>).
/// </summary>
public static class ObjectiveParser
{
    /// <summary>The most objectives a study may trade (hypervolume and Pareto ranking grow fast with more).</summary>
    public const int MaxObjectives = 4;

    /// <summary>The most constraints a study may have.</summary>
    public const int MaxConstraints = 32;

    /// <summary>Parses the objective and constraints of a spec's root object.</summary>
    /// <exception cref="SpecException">A missing, malformed or contradictory field, named.</exception>
    public static ObjectiveSpec Parse(JsonSettings root)
    {
        var objective = root.RequireObject("objective");
        var metrics = new List<ObjectiveMetric>();
        if (objective.GetArray("metrics") is { } list)
        {
            if (objective.Has("metric") || objective.Has("direction"))
                throw new SpecException(objective.PathOf("metrics"), "give either 'metric' and 'direction' or 'metrics', not both");
            if (list.Count is < 1 or > MaxObjectives)
                throw new SpecException(objective.PathOf("metrics"), $"must list 1 to {MaxObjectives} objectives, not {list.Count}");
            foreach (var (element, path) in list)
            {
                if (element.ValueKind != JsonValueKind.Object)
                    throw new SpecException(path, $"must be an object {{\"name\", \"direction\"}}, not {JsonSettings.Describe(element)}");
                var m = new JsonSettings(element, path);
                metrics.Add(new ObjectiveMetric(m.RequireString("name"), ReadDirection(m)));
                m.EnsureNoUnknownFields();
            }
            var repeated = metrics.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
                throw new SpecException(objective.PathOf("metrics"), $"names '{repeated.Key}' more than once");
        }
        else
        {
            metrics.Add(new ObjectiveMetric(objective.RequireString("metric"), ReadDirection(objective)));
        }
        objective.EnsureNoUnknownFields();

        var constraints = ImmutableArray.CreateBuilder<MetricConstraint>();
        if (root.GetArray("constraints") is { } bounds)
        {
            if (bounds.Count > MaxConstraints)
                throw new SpecException("constraints", $"may list at most {MaxConstraints} bounds, not {bounds.Count}");
            foreach (var (element, path) in bounds)
            {
                if (element.ValueKind != JsonValueKind.Object)
                    throw new SpecException(path, $"must be an object {{\"metric\", \"min\" or \"max\"}}, not {JsonSettings.Describe(element)}");
                var c = new JsonSettings(element, path);
                var metric = c.RequireString("metric");
                var min = c.GetOptionalDouble("min");
                var max = c.GetOptionalDouble("max");
                c.EnsureNoUnknownFields();
                if (min is null && max is null) throw new SpecException(path, "needs 'min', 'max' or both");
                if (min > max) throw new SpecException(path, $"min {min} is above max {max}: no value could be feasible");
                if (metrics.Any(m => m.Name == metric))
                    throw new SpecException(c.PathOf("metric"), $"'{metric}' is an objective; a constraint bounds another reported metric");
                constraints.Add(new MetricConstraint(metric, min, max));
            }
        }
        return new ObjectiveSpec(metrics[0].Name, metrics[0].Direction)
        {
            Secondary = metrics.Skip(1).ToImmutableArray(),
            Constraints = constraints.ToImmutable(),
        };
    }

    private static StudyDirection ReadDirection(JsonSettings settings) =>
        settings.RequireString("direction", "minimize", "maximize") == "maximize" ? StudyDirection.Maximize : StudyDirection.Minimize;
}
