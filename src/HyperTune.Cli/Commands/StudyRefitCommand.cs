using System.CommandLine;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Specs;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune study refit ID</c>: trains an ML.NET study's best configuration on all its training rows, scores it
/// once on the test set and saves the model, as a node does when a study finishes. With <c>--node</c> a worker of
/// the cluster does it (the study records it; the command waits and prints it); from a local store, or with
/// <c>--node</c> and <c>--local</c>, it runs on this machine: the spec's data files must be here, at the paths the
/// spec was submitted with.
/// </summary>
internal static class StudyRefitCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var output = new Option<string?>("--out")
        {
            Description = "Folder for model.zip and refit.json (default: the store's artifacts/ID, or " +
                          "hypertune-data/artifacts/ID with --node)",
        };
        var json = new Option<bool>("--json") { Description = "Print the refit record as JSON" };
        var local = new Option<bool>("--local")
        {
            Description = "With --node: train here (the spec's data files must be on this machine) instead of on a " +
                          "worker of the cluster",
        };
        var command = new Command("refit",
            "Train an ML.NET study's best configuration on all training rows, score it once on the test set, save " +
            "the model")
        {
            id, storage, node, output, json, local,
        };
        command.SetAction(async (r, ct) =>
        {
            var studyId = r.GetValue(id)!;
            if (r.GetValue(node) is { } remote && !r.GetValue(local))
            {
                if (r.GetValue(output) is not null)
                {
                    Console.Error.WriteLine("error: --out applies to a refit on this machine (--local, or a local " +
                                            "store); a worker saves the model in its node's artifacts-root");
                    return ExitCodes.BadInput;
                }
                return await StudyCommand.Remote(remote, ct,
                    client => ClusterRefitAsync(client, studyId, r.GetValue(json), ct));
            }
            if (r.GetValue(node) is { } here)
            {
                var artifacts = r.GetValue(output) ?? Path.Combine("hypertune-data", "artifacts", studyId);
                return await StudyCommand.Remote(here, ct, async client =>
                {
                    var path = $"studies/{Uri.EscapeDataString(studyId)}";
                    var (status, body) = await client.GetAsync(path, ct);
                    if (status >= 400) return StudyCommand.Fail(status, body);
                    var report = StudyDocumentReader.Read(body, null);
                    (status, body) = await client.GetAsync(path + "/spec", ct);
                    if (status >= 400) return StudyCommand.Fail(status, body);
                    return await RefitAsync(studyId, report, body, artifacts, r.GetValue(json), ct);
                });
            }
            // Inside: the command's output ends with the node that read the store.
            return await StudyCommand.WithLocalNode(r.GetValue(storage), ct, async client =>
            {
                // The store's option was checked by now.
                var local = r.GetValue(output) ?? Path.Combine(
                    StorageOption.DataDirectory(StorageOption.Resolve(r.GetValue(storage), null)), "artifacts", studyId);
                var report = await client.GetAsync(studyId, cancellationToken: ct);
                var spec = report is null ? null : await client.GetSpecAsync(studyId, ct);
                if (report is not null && spec is not null)
                    return await RefitAsync(studyId, report, spec, local, r.GetValue(json), ct);
                Console.Error.WriteLine($"error: no study '{studyId}'");
                return ExitCodes.Failed;
            });
        });
        return command;
    }

    /// <summary>How often a cluster's refit is looked at while the command waits for it.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Asks the cluster to refit the study's best trial on a worker, waits for it and prints it.</summary>
    private static async Task<int> ClusterRefitAsync(Http.NodeClient client, string studyId, bool json,
        CancellationToken ct)
    {
        var path = $"studies/{Uri.EscapeDataString(studyId)}";
        var (status, body) = await client.PostAsync(path + "/refit", null, ct);
        if (status >= 400) return StudyCommand.Fail(status, body);
        var report = StudyDocumentReader.Read(body, null);
        var announced = false;
        while (report.Progress.Refit is { IsFinished: false } running)
        {
            if (!announced)
                Console.Error.WriteLine($"refit: a worker trains trial {running.Trial}'s configuration on all " +
                                        "training rows");
            announced = true;
            await Task.Delay(PollInterval, ct);
            (status, body) = await client.GetAsync(path, ct);
            if (status >= 400) return StudyCommand.Fail(status, body);
            report = StudyDocumentReader.Read(body, null);
        }
        var refit = report.Progress.Refit!;
        if (json)
            Console.Out.WriteLine(System.Text.Json.Nodes.JsonNode.Parse(body)!["refit"]!.ToJsonString(
                new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        else RefitWriter.WriteHuman(refit, report.Progress, Console.Out);
        if (refit.Status == RefitStatus.Complete) return ExitCodes.Ok;
        Console.Error.WriteLine(
            $"error: study {studyId}: the refit of trial {refit.Trial} failed: {refit.FailureReason}");
        return ExitCodes.Failed;
    }

    private static async Task<int> RefitAsync(string studyId, StudyProtocol.StudyReport report, string specJson,
        string artifacts, bool json, CancellationToken ct)
    {
        Trainables.MlNet.MlNetTrainable learner;
        StudySpec spec;
        try
        {
            spec = StudySpecParser.Parse(specJson);
            if (Trainables.TrainableFactory.Create(spec) is not Trainables.MlNet.MlNetTrainable model)
            {
                Console.Error.WriteLine($"error: study {studyId}'s trainable is '{spec.Trainable.Type}': only ML.NET " +
                                        "studies (trainable type mlnet) have a model to refit");
                return ExitCodes.BadInput;
            }
            // The data must be on this machine, where the refit runs.
            model.CheckData();
            learner = model;
        }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"error: study {studyId}: {e.Message}");
            return ExitCodes.Failed;
        }
        if (report.Progress.Best is not { } best)
        {
            Console.Error.WriteLine($"error: study {studyId} has no best trial to refit" +
                                    (report.Progress.Front is not null ? " (it has several objectives)" : ""));
            return ExitCodes.Failed;
        }
        if (report.Progress.Status != StudyStatus.Finished)
            Console.Error.WriteLine($"study {studyId} is still running: refitting its best trial so far (#{best.Number})");
        Directory.CreateDirectory(artifacts);
        var refit = await RefitWriter.RefitAsync(learner, best, artifacts, ct);
        if (json) Console.Out.WriteLine(RefitWriter.ToJson(refit));
        else RefitWriter.WriteHuman(refit, spec.Objective.Metric, best.Value, Console.Out);
        return ExitCodes.Ok;
    }
}
