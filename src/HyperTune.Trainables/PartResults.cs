using System.Globalization;

namespace HyperTune.Trainables;

/// <summary>
/// Combines the metrics of a trial's parts (cross-validation folds) into the trial's: the mean of every metric over
/// the parts, and for the study metric its sample standard deviation (<c>accuracy_std</c>) and each part's value
/// (<c>accuracy_fold1</c>, ...). The same whether the folds ran one after another in one slot or as separate parts
/// on several nodes.
/// </summary>
public static class PartResults
{
    /// <summary>The trial's metrics from its parts' metrics, in part order.</summary>
    /// <param name="parts">Each part's metrics.</param>
    /// <param name="metric">The study metric.</param>
    public static Dictionary<string, double> Aggregate(IReadOnlyList<IReadOnlyDictionary<string, double>> parts,
        string metric)
    {
        var final = RunningMeans(parts, parts.Count);
        if (parts.Count > 1 && final.ContainsKey(metric))
        {
            var values = parts.Select(p => p.GetValueOrDefault(metric, double.NaN)).ToList();
            var mean = values.Average();
            final[$"{metric}_std"] = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
            for (var i = 0; i < values.Count; i++)
                final[string.Create(CultureInfo.InvariantCulture, $"{metric}_fold{i + 1}")] = values[i];
        }
        return final;
    }

    /// <summary>Each metric's mean over the first <paramref name="count"/> parts (a running report).</summary>
    public static Dictionary<string, double> RunningMeans(IReadOnlyList<IReadOnlyDictionary<string, double>> parts,
        int count)
    {
        var sums = new Dictionary<string, double>();
        for (var i = 0; i < count; i++)
            foreach (var (name, value) in parts[i])
                sums[name] = sums.GetValueOrDefault(name) + value;
        return sums.ToDictionary(p => p.Key, p => p.Value / count);
    }
}
