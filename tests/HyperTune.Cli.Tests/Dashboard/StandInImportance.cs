using System.Text.Json.Nodes;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// A stand-in for the Core's parameter importance in the dashboard's tests: each parameter's absolute correlation
/// with the value (categories by their index), normalized to shares. Only the page's drawing is under test here.
/// </summary>
public static class StandInImportance
{
    /// <summary>The shares of the study's parameters, or null with fewer than 5 completed trials.</summary>
    public static async Task<IReadOnlyList<(string Name, double Share)>?> OfAsync(IStudyViewReader views,
        string studyId, CancellationToken ct)
    {
        var trials = (await views.TrialsAsync(studyId, 0, ct))
            .Where(t => t.State == "complete" && t.Value is not null)
            .Select(t => (Value: t.Value!.Value, Params: JsonNode.Parse(t.Document)!["params"]!.AsObject()))
            .ToList();
        if (trials.Count < 5) return null;
        var names = trials.SelectMany(t => t.Params.Select(p => p.Key)).Distinct().ToList();
        var correlations = names.Select(name =>
        {
            var categories = new Dictionary<string, int>();
            var pairs = trials.Where(t => t.Params[name] is not null).Select(t =>
            {
                var node = t.Params[name]!;
                var x = node.GetValueKind() == System.Text.Json.JsonValueKind.Number ? (double)node
                    : categories.TryGetValue(node.ToJsonString(), out var i) ? i
                    : categories[node.ToJsonString()] = categories.Count;
                return (X: x, Y: t.Value);
            }).ToList();
            return (Name: name, R: Math.Abs(Correlation(pairs)));
        }).ToList();
        var total = correlations.Sum(c => c.R);
        return correlations.Select(c => (c.Name, total > 0 ? c.R / total : 1.0 / names.Count)).ToList();
    }

    private static double Correlation(List<(double X, double Y)> pairs)
    {
        if (pairs.Count < 2) return 0;
        var mx = pairs.Average(p => p.X);
        var my = pairs.Average(p => p.Y);
        var sxy = pairs.Sum(p => (p.X - mx) * (p.Y - my));
        var sxx = pairs.Sum(p => (p.X - mx) * (p.X - mx));
        var syy = pairs.Sum(p => (p.Y - my) * (p.Y - my));
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }
}
