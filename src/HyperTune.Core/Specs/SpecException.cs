namespace HyperTune.Core.Specs;

/// <summary>
/// A study spec (or one of its settings) is malformed. <see cref="Path"/> names the field, in JSON-path style
/// (<c>budget.maxTrials</c>, <c>space[2].low</c>), and the message says what is wrong with it.
/// </summary>
public sealed class SpecException(string path, string problem)
    : Exception(string.IsNullOrEmpty(path) ? problem : $"{path}: {problem}")
{
    /// <summary>The offending field.</summary>
    public string Path { get; } = path;

    /// <summary>The problem, without the path.</summary>
    public string Problem { get; } = problem;
}
