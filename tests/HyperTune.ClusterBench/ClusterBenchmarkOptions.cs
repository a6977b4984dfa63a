namespace HyperTune.ClusterBench;

/// <summary>Settings of <see cref="ClusterBenchmark"/>.</summary>
/// <param name="HypertuneDll">The <c>hypertune.dll</c> the nodes run.</param>
/// <param name="Trials">Trials of each throughput study.</param>
/// <param name="TrainingTime">Simulated training time of a trial.</param>
/// <param name="SlotsPerNode">Slots of each of the three nodes (the one-node run gets three times as many).</param>
/// <param name="Kills">How many times each kill experiment is repeated.</param>
public sealed record ClusterBenchmarkOptions(string HypertuneDll, int Trials = 300, double TrainingTime = 0.2, int SlotsPerNode = 2, int Kills = 3);
