namespace HyperTune.Client.Remote;

/// <summary>
/// A node's HTTP API refused a request: <see cref="StatusCode"/> says how (400 bad input, 401/403 key, 404 unknown
/// study, 409 refused, 503 starting), the message is the node's.
/// </summary>
public class HyperTuneApiException(int statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP status code of the node's answer.</summary>
    public int StatusCode { get; } = statusCode;
}
