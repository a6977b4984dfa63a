namespace HyperTune.Cluster.Checkpoints;

/// <summary>A trial's checkpoint kept at a step: what a checkpoint store files it under.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Incarnation">The study's incarnation (a new study of the same id never sees an old one's).</param>
/// <param name="Trial">The trial number.</param>
/// <param name="Step">The step the checkpoint belongs to.</param>
public sealed record CheckpointKey(string StudyId, string Incarnation, int Trial, long Step);
