using System.Collections.Immutable;
using HyperTune.Core.Spaces;

namespace HyperTune.Cluster.Studies;

/// <summary>A trial's number, value and configuration, for progress reports and listings.</summary>
public sealed record TrialSummary(int Number, double Value, Configuration Params)
{
    /// <summary>The trial's objective values by metric name (a multi-objective study's front members); else empty.</summary>
    public ImmutableDictionary<string, double> Values { get; init; } = ImmutableDictionary<string, double>.Empty;
}
