using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>One problem of the optimizer benchmark suite: a space, an objective to minimize and its known optimum.</summary>
public sealed record BenchmarkProblem(string Name, SearchSpace Space, Func<IReadOnlyDictionary<string, object>, double> Evaluate, double Optimum);
