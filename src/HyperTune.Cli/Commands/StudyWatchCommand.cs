using System.CommandLine;
using System.Text.Json.Nodes;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune study watch ID</c>: a line each time a study's counts or best change, until it finishes. On a local
/// store it reads the read model (which a running study's coordinator writes once a second); with <c>--node</c>, the
/// node's API.
/// </summary>
internal static class StudyWatchCommand
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // A watch started with the run may come before the study's first view: it waits this long for it.
    private static readonly TimeSpan AppearWithin = TimeSpan.FromSeconds(30);

    // Load's answer while the study is not in the local read model (yet).
    private const int NotYet = -1;

    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var json = new Option<bool>("--json")
        {
            Description = "One study document (without trials) per line and change, for scripts",
        };
        var command = new Command("watch", "Follow a study's progress until it finishes (Ctrl-C stops watching)")
        {
            id, storage, node, json,
        };
        command.SetAction(async (r, ct) =>
        {
            var studyId = r.GetValue(id)!;
            string? last = null;
            var started = DateTime.UtcNow;
            try
            {
                while (true)
                {
                    StudyProtocol.StudyReport? report = null;
                    var code = await Load(r.GetValue(node), r.GetValue(storage), studyId, ct,
                        loaded => report = loaded);
                    if (code == NotYet && DateTime.UtcNow - started < AppearWithin)
                    {
                        await Task.Delay(Interval, ct);
                        continue;
                    }
                    if (code == NotYet)
                    {
                        Console.Error.WriteLine(
                            $"error: study {studyId} did not appear in the store's read model within " +
                            $"{AppearWithin.TotalSeconds:0} s (a store written by an older version has none: run the " +
                            "study again, or watch it with --node)");
                        return ExitCodes.Failed;
                    }
                    if (code != ExitCodes.Ok) return code;
                    var refit = report!.Progress.Refit;
                    // A finished ML.NET study is watched on until its node has refitted the best trial.
                    var refitting = report.Progress.Status == StudyStatus.Finished && refit is { IsFinished: false };
                    var line = $"{report.Progress.StudyId} {ProgressView.Describe(report.Progress)}";
                    if (refitting)
                        line += $"; refit of trial {refit!.Trial} {refit.Status.ToString().ToLowerInvariant()}" +
                                (refit.NodeKey is { } on ? $" on {on}" : "");
                    if (line != last)
                        Console.Out.WriteLine(r.GetValue(json)
                            ? StudyJson.ToJson(report, includeTrials: false, indented: false)
                            : line);
                    last = line;
                    if (report.Progress.Status == StudyStatus.Finished && !refitting)
                    {
                        if (!r.GetValue(json))
                        {
                            Console.Out.WriteLine($"{studyId} finished: {report.Progress.FinishReason}");
                            if (refit is not null) Output.RefitWriter.WriteHuman(refit, report.Progress, Console.Out);
                        }
                        return ExitCodes.Ok;
                    }
                    await Task.Delay(Interval, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }

    /// <summary>The study's report: from the node, or the local store's view (no journal fallback: it lags by design).
    /// </summary>
    private static async Task<int> Load(string? node, string? storage, string studyId, CancellationToken ct,
        Action<StudyProtocol.StudyReport> use)
    {
        if (node is not null)
            return await StudyCommand.WithReport(node, null, studyId, includeTrials: false, ct, report =>
            {
                use(report);
                return ExitCodes.Ok;
            });
        return await LocalViews.RunAsync(storage, ct, async views =>
        {
            if (await views.GetAsync(studyId, ct) is not { } view) return NotYet;
            use(StudyDocumentReader.Read(view.Document, null));
            return (int?)ExitCodes.Ok;
        }) ?? NotYet;
    }
}
