using System.Collections.Concurrent;
using System.Text.Json;
using HyperTune.Cluster.Views;
using HyperTune.Core.Analysis;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Cli.Dashboard;

/// <summary>
/// A study's parameter importance (<see cref="ParameterImportance"/>, fANOVA over a random forest) from its views:
/// the space from the study document, the completed trials' params and values. Computed once per view version.
/// </summary>
internal sealed class ViewImportance(IStudyViewReader views)
{
    private readonly ConcurrentDictionary<string, (long Version, IReadOnlyList<(string, double)>? Shares)> _cache =
        new(StringComparer.Ordinal);

    /// <summary>Each parameter's share, largest first; null without a view, a space, or two completed trials.</summary>
    public async Task<IReadOnlyList<(string Name, double Share)>?> ComputeAsync(string studyId,
        CancellationToken cancellationToken)
    {
        var study = await views.GetAsync(studyId, cancellationToken).ConfigureAwait(false);
        if (study is null) return null;
        if (_cache.TryGetValue(studyId, out var cached) && cached.Version == study.Version) return cached.Shares;
        SearchSpace space;
        using (var document = JsonDocument.Parse(study.Document))
        {
            // Views written before the document carried its space cannot be analysed.
            if (!document.RootElement.TryGetProperty("space", out var spaceJson)) return null;
            space = SearchSpaceParser.Parse(spaceJson, "space", SpecLimits.Unlimited);
        }
        var trials = await views.TrialsAsync(studyId, 0, cancellationToken).ConfigureAwait(false);
        var observations = new List<(Configuration, double)>();
        foreach (var trial in trials)
        {
            if (trial.State != "complete" || trial.Value is not { } value || !double.IsFinite(value)) continue;
            using var document = JsonDocument.Parse(trial.Document);
            try
            {
                observations.Add((ConfigurationReader.Read(document.RootElement.GetProperty("params"), "params", space),
                    value));
            }
            catch (SpecException)
            {
                // A trial of a population-based study whose params changed mid-run still reads; others are skipped.
            }
        }
        IReadOnlyList<(string, double)>? shares = observations.Count < 2
            ? null
            : await Task.Run(() => ParameterImportance.Compute(space, observations)
                .Select(e => (e.Parameter, e.Importance)).ToList(), cancellationToken).ConfigureAwait(false);
        _cache[studyId] = (study.Version, shares);
        return shares;
    }
}
