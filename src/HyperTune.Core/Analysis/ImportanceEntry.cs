namespace HyperTune.Core.Analysis;

/// <summary>One parameter's importance, as <see cref="ParameterImportance.Compute"/> reports it.</summary>
/// <param name="Parameter">The parameter's name.</param>
/// <param name="Importance">
/// Its share of the explained variance, in [0, 1]; the shares of a result sum to 1, or are all 0 when there was
/// nothing to explain.
/// </param>
public sealed record ImportanceEntry(string Parameter, double Importance);
