using HyperTune.Core.Spaces;

namespace HyperTune.Cluster.Studies;

/// <summary>A trial's number, value and configuration, for progress reports and listings.</summary>
public sealed record TrialSummary(int Number, double Value, Configuration Params);
