namespace HyperTune.Client.Remote;

/// <summary>The node knows no study of that id (HTTP 404).</summary>
public sealed class StudyNotFoundException(string studyId, string message) : HyperTuneApiException(404, message)
{
    /// <summary>The id asked for.</summary>
    public string StudyId { get; } = studyId;
}
