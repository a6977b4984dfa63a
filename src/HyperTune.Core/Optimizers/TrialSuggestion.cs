using System.Collections.Immutable;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers;

/// <summary>A configuration to evaluate, with attributes the optimizer wants to see again on this trial later.</summary>
public sealed record TrialSuggestion(Configuration Params)
{
    /// <summary>Optimizer bookkeeping stored with the trial (for example <c>grid.index</c>, <c>cmaes.generation</c>).</summary>
    public ImmutableDictionary<string, string> Attributes { get; init; } = ImmutableDictionary<string, string>.Empty;
}
