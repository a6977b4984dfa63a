using System.CommandLine;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Client;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune study delete ID</c>: deletes a finished or stopped study with everything stored for it (its journal,
/// snapshots, read-model views and checkpoint copies); its id becomes free. Asks for the study id on a terminal,
/// or takes <c>--yes</c>; a running study is refused (stop it first).
/// </summary>
internal static class StudyDeleteCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (scripts)" };
        var json = new Option<bool>("--json") { Description = "Print {\"study\", \"deleted\", \"trials\"}" };
        var command = new Command("delete",
            "Delete a finished or stopped study and everything stored for it (trials, views, checkpoints)")
        {
            id, storage, node, yes, json,
        };
        command.SetAction((r, ct) =>
        {
            var studyId = r.GetValue(id)!;
            var confirmed = r.GetValue(yes);
            return r.GetValue(node) is { } remote
                ? StudyCommand.Remote(remote, ct, async client =>
                {
                    var path = $"studies/{Uri.EscapeDataString(studyId)}";
                    var (status, body) = await client.GetAsync(path, ct);
                    if (status >= 400) return StudyCommand.Fail(status, body);
                    if (Confirm(studyId, Describe(JsonNode.Parse(body)!), confirmed) is { } refused) return refused;
                    (status, body) = await client.DeleteAsync(path, ct);
                    if (status >= 400) return StudyCommand.Fail(status, body);
                    return Report(studyId, (int)JsonNode.Parse(body)!["trials"]!, r.GetValue(json));
                })
                : StudyCommand.WithLocalNode(r.GetValue(storage), ct, async client =>
                {
                    var report = await client.GetAsync(studyId, cancellationToken: ct);
                    if (report is null)
                    {
                        Console.Error.WriteLine($"error: no study '{studyId}'");
                        return ExitCodes.Failed;
                    }
                    var summary = Describe(JsonNode.Parse(StudyJson.ToJson(report, includeTrials: false,
                        indented: false))!);
                    if (Confirm(studyId, summary, confirmed) is { } refused) return refused;
                    var deleted = await client.DeleteAsync(studyId, ct);
                    DeleteArtifacts(r.GetValue(storage), studyId);
                    return Report(studyId, deleted.Trials, r.GetValue(json));
                }, writes: true);
        });
        return command;
    }

    /// <summary>"finished, 40 trials" from a study document.</summary>
    private static string Describe(JsonNode study)
    {
        var t = study["trials"];
        var count = t is null ? 0 : (int)t["complete"]! + (int)t["failed"]! + (int)t["pruned"]! + (int)t["running"]!
                                    + (int)t["waiting"]! + ((int?)t["paused"] ?? 0);
        return $"{(string?)study["status"]}, {count} trial(s)";
    }

    /// <summary>
    /// Null when the deletion may go ahead: <paramref name="confirmed"/>, or the study id typed back on a terminal.
    /// </summary>
    private static int? Confirm(string studyId, string summary, bool confirmed)
    {
        if (confirmed) return null;
        if (Console.IsInputRedirected)
        {
            Console.Error.WriteLine($"error: study {studyId} ({summary}) is not deleted without --yes " +
                                    "(there is no terminal to confirm on)");
            return ExitCodes.BadInput;
        }
        Console.Error.Write($"Delete study {studyId} ({summary}) and everything stored for it? " +
                            "This cannot be undone. Type its id to confirm: ");
        if (Console.ReadLine()?.Trim() == studyId) return null;
        Console.Error.WriteLine("not deleted");
        return ExitCodes.Failed;
    }

    /// <summary>The refitted model and its record that `run` and `study refit` keep beside the store.</summary>
    private static void DeleteArtifacts(string? storage, string studyId)
    {
        var root = Path.Combine(StorageOption.DataDirectory(StorageOption.Resolve(storage, null)), "artifacts");
        Cluster.Workers.CheckpointDirectories.TryDeleteStudyFolder(root, studyId);
    }

    private static int Report(string studyId, int trials, bool json)
    {
        if (json)
            Console.Out.WriteLine(new JsonObject { ["study"] = studyId, ["deleted"] = true, ["trials"] = trials }
                .ToJsonString());
        else Console.Out.WriteLine($"deleted study {studyId} ({trials} trial(s))");
        return ExitCodes.Ok;
    }
}
