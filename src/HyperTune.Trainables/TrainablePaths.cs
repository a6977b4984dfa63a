using System.Text.Json;
using System.Text.Json.Nodes;

namespace HyperTune.Trainables;

/// <summary>
/// Paths in a spec file are relative to the spec's folder: before a spec read from a file is submitted, its
/// trainable's relative paths (an ML.NET trainable's <c>data.train</c> and <c>data.test</c>, an assembly trainable's
/// <c>path</c>) become absolute, so the
/// study runs the same from any working directory and on nodes that share the file system.
/// </summary>
public static class TrainablePaths
{
    private static readonly string[][] PathFields = [["data", "train"], ["data", "test"], ["path"]];

    /// <summary>The spec text with the trainable's relative paths resolved against <paramref name="directory"/>.</summary>
    /// <remarks>Text that is not a JSON object, or a trainable without such fields, comes back unchanged.</remarks>
    public static string Resolve(string specJson, string directory)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(specJson, documentOptions: new JsonDocumentOptions
                { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            return specJson;
        }
        if (root?["trainable"] is not JsonObject trainable) return specJson;
        var changed = false;
        foreach (var fields in PathFields)
        {
            JsonNode? parent = trainable;
            for (var i = 0; i < fields.Length - 1 && parent is JsonObject; i++) parent = parent[fields[i]];
            if (parent is not JsonObject holder || holder[fields[^1]] is not JsonValue value
                || !value.TryGetValue<string>(out var path) || path.Length == 0 || Path.IsPathRooted(path)) continue;
            holder[fields[^1]] = Path.GetFullPath(path, directory);
            changed = true;
        }
        return changed ? root.ToJsonString() : specJson;
    }
}
