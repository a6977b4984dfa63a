using HyperTune.Core.Studies;

namespace HyperTune.Core.Specs;

/// <summary>What the study optimizes: the name of the metric trials report, and whether to minimize or maximize it.</summary>
public sealed record ObjectiveSpec(string Metric, StudyDirection Direction);
