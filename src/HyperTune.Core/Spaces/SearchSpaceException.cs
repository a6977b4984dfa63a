namespace HyperTune.Core.Spaces;

/// <summary>A search space is invalid. <see cref="Parameter"/> names the offending parameter (empty for the whole space).</summary>
public sealed class SearchSpaceException(string parameter, string problem)
    : Exception(parameter.Length == 0 ? problem : $"parameter '{parameter}': {problem}")
{
    /// <summary>Name of the offending parameter, or empty.</summary>
    public string Parameter { get; } = parameter;

    /// <summary>The problem, without the parameter name.</summary>
    public string Problem { get; } = problem;
}
