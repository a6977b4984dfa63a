using System.CommandLine;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cli.Commands;

/// <summary>The <c>hypertune study</c> palette: look at stored studies.</summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Inspect and operate studies");
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateList());
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var trials = new Option<bool>("--trials") { Description = "With --json, include every trial (trialList)" };
        var show = new Command("show", "Show a study's status, counts, best trial and top trials") { id, storage, json, trials };
        show.SetAction((r, ct) => WithLocalNode(r.GetValue(storage), ct, async client =>
        {
            var report = await client.GetAsync(r.GetValue(id)!, includeTrials: true, ct);
            if (report is null)
            {
                Console.Error.WriteLine($"error: no study '{r.GetValue(id)}'");
                return ExitCodes.Failed;
            }
            if (r.GetValue(json)) Console.Out.WriteLine(StudyReportWriter.ToJson(report, r.GetValue(trials)));
            else StudyReportWriter.WriteHuman(report, Console.Out);
            return ExitCodes.Ok;
        }));
        return show;
    }

    private static Command CreateList()
    {
        var storage = StorageOption.Create();
        var list = new Command("list", "List the stored studies") { storage };
        list.SetAction((r, ct) => WithLocalNode(r.GetValue(storage), ct, async client =>
        {
            foreach (var s in await client.ListAsync(ct))
            {
                var report = await client.GetAsync(s.StudyId, cancellationToken: ct);
                var state = report is null ? "unknown" : $"{report.Progress.Status.ToString().ToLowerInvariant(),-8} {ProgressView.Describe(report.Progress)}";
                Console.Out.WriteLine($"{s.StudyId,-32} {state}");
            }
            return ExitCodes.Ok;
        }));
        return list;
    }

    /// <summary>Opens the store on an embedded node (studies are loaded, not resumed) and runs an operation.</summary>
    private static async Task<int> WithLocalNode(string? storageText, CancellationToken ct, Func<HyperTuneClient, Task<int>> operation)
    {
        StorageSpec storage;
        try
        {
            storage = StorageOption.Resolve(storageText, null);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (storage.Kind == StorageKind.Memory)
        {
            Console.Error.WriteLine("error: an in-memory store holds nothing between runs; use --storage sqlite:PATH or postgres:...");
            return ExitCodes.BadInput;
        }
        // No worker role: looking at a study must not run its trials.
        var options = new NodeOptions
        {
            Storage = storage,
            Port = 0,
            RememberStudies = false,
            ReadOnly = true,
            Roles = new[] { NodeOptions.CoordinatorRole },
            LogFile = Path.Combine(StorageOption.DataDirectory(storage), "hypertune.log"),
        };
        await using var node = await HyperTuneNode.StartAsync(options, ct);
        var code = await operation(new HyperTuneClient(node));
        StdoutGuard.Seal();
        return code;
    }
}
