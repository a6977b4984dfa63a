namespace HyperTune.Cluster.Api;

/// <summary>A handler's answer: an HTTP-style status code and a JSON body.</summary>
public sealed record ApiResponse(int StatusCode, string Json)
{
    /// <summary>An error answer: <c>{"error": MESSAGE}</c>.</summary>
    public static ApiResponse Error(int statusCode, string message) =>
        new(statusCode, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message }));
}
