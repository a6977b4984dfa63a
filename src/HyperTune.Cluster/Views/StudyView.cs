namespace HyperTune.Cluster.Views;

/// <summary>
/// One study as the read model keeps it: a few columns to list and sort by, and the study's JSON document (the
/// document of <c>StudyJson.ToJson</c> without its trial list, the same as a node's HTTP API gives).
/// </summary>
/// <param name="StudyId">The study id.</param>
/// <param name="Name">The spec's name.</param>
/// <param name="Status">"running" or "finished".</param>
/// <param name="CreatedAt">When the study was created.</param>
/// <param name="UpdatedAt">When its coordinator last wrote this view.</param>
/// <param name="Version">The journal sequence number the view reflects: a writer never replaces a newer view.</param>
/// <param name="Document">The study's JSON document.</param>
public sealed record StudyView(string StudyId, string Name, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, long Version, string Document);
