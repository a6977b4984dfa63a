using System.Globalization;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// Parameters that are sampled together from one joint Parzen estimator. In univariate mode every parameter is a
/// group of its own. In multivariate mode parameters are grouped by their activation condition: all unconditional
/// parameters form one group, and parameters with the same condition (same parent, same parent values) form
/// another, because they are always active together, so every trial that has one of them has all of them.
/// </summary>
internal sealed class ParameterGroup
{
    private ParameterGroup(TpeDimension[] dimensions) => Dimensions = dimensions;

    /// <summary>The group's parameters, in the space's dependency order.</summary>
    public TpeDimension[] Dimensions { get; }

    /// <summary>The first parameter: the group is active exactly when this one is.</summary>
    public TpeDimension Leader => Dimensions[0];

    /// <summary>Splits a space into groups, ordered so that every group comes after the groups of its parents.</summary>
    public static IReadOnlyList<ParameterGroup> Build(SearchSpace space, bool multivariate)
    {
        var dims = space.Parameters.Select((p, i) => new TpeDimension(p, i)).ToList();
        if (!multivariate) return dims.Select(d => new ParameterGroup(new[] { d })).ToArray();
        // A group's position is that of its first member; since a parent precedes its children in the space's
        // order, the parent's group (which starts no later than the parent) precedes the children's group.
        var byCondition = new Dictionary<string, List<TpeDimension>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var d in dims)
        {
            var key = ConditionKey(d.Parameter);
            if (!byCondition.TryGetValue(key, out var members))
            {
                byCondition[key] = members = new List<TpeDimension>();
                order.Add(key);
            }
            members.Add(d);
        }
        return order.Select(k => new ParameterGroup(byCondition[k].ToArray())).ToArray();
    }

    private static string ConditionKey(Parameter p)
    {
        if (p.Condition is not { } c) return "";
        // Numbers print round-trip and equal numbers (1 and 1.0) print alike, as ParameterValues compares them.
        var values = c.Values
            .Select(v => v is string s ? "s:" + s : "v:" + Convert.ToString(ParameterValues.IsNumber(v) ? ParameterValues.ToDouble(v) : v, CultureInfo.InvariantCulture))
            .Distinct()
            .OrderBy(s => s, StringComparer.Ordinal);
        return c.Parent + "\u0001" + string.Join("\u0002", values);
    }
}
