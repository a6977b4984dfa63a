namespace HyperTune.Trainables.MlNet;

/// <summary>How a learner runs: its threads and its seed (both fixed per study, so a configuration's score repeats).</summary>
/// <param name="Threads">Threads one training run may use.</param>
/// <param name="Seed">The learner's random seed.</param>
public sealed record LearnerRuntime(int Threads, int Seed);
