using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HyperTune.Cli.Http;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Commands;

/// <summary>The <c>hypertune study</c> palette: look at stored studies.</summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Inspect and operate studies");
        command.Subcommands.Add(CreateSubmit());
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(StudyTrialsCommand.CreateTrials());
        command.Subcommands.Add(StudyTrialsCommand.CreateBest());
        command.Subcommands.Add(StudyTrialsCommand.CreateExport());
        command.Subcommands.Add(StudyWatchCommand.Create());
        command.Subcommands.Add(CreateStop());
        command.Subcommands.Add(CreateHold("pause", "Hold a running study: nothing new starts until it is resumed; " +
                                                    "running trials finish"));
        command.Subcommands.Add(CreateHold("resume", "Let a held study go on"));
        command.Subcommands.Add(CreateEnqueue());
        command.Subcommands.Add(StudyDeleteCommand.Create());
        command.Subcommands.Add(StudyRefitCommand.Create());
        command.Subcommands.Add(CreateReplaySchedule());
        return command;
    }

    /// <summary>The <c>--node HOST:PORT</c> option: talk to a running node's HTTP API instead of opening a store.</summary>
    internal static Option<string?> NodeOption() => new("--node")
    {
        Description = "A running node's HTTP API, HOST:PORT or https://HOST:PORT (key from HYPERTUNE_API_KEY; " +
                      "trusted certificate from HYPERTUNE_CA_CERT)",
    };

    private static Command CreateSubmit()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "Study spec file (JSON)" };
        var node = NodeOption();
        node.Required = true;
        var fresh = new Option<bool>("--fresh") { Description = "Start a new study instead of resuming the one of this spec" };
        var parallelism = new Option<int?>("--parallelism") { Description = "Trials running at once (overrides budget.parallelism)" };
        var maxTrials = new Option<int?>("--max-trials") { Description = "Trial budget (overrides budget.maxTrials)" };
        var json = new Option<bool>("--json") { Description = "Print the node's JSON answer" };
        var submit = new Command("submit", "Submit a study to a running cluster") { spec, node, fresh, parallelism, maxTrials, json };
        submit.SetAction((r, ct) => Remote(r.GetValue(node)!, ct, async client =>
        {
            string text;
            try
            {
                // Paths in the spec are relative to its folder; the nodes read them where they are (a shared file system).
                var file = r.GetValue(spec)!;
                text = Trainables.TrainablePaths.Resolve(File.ReadAllText(file.FullName), file.DirectoryName!);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"error: cannot read spec file: {e.Message}");
                return ExitCodes.BadInput;
            }
            var query = new List<string>();
            if (r.GetValue(fresh)) query.Add("fresh=true");
            if (r.GetValue(parallelism) is { } p) query.Add($"parallelism={p}");
            if (r.GetValue(maxTrials) is { } m) query.Add($"maxTrials={m}");
            // One request id per invocation, reused by the retries below: a retried submission goes to the same study.
            query.Add($"requestId={Guid.NewGuid():N}");
            var (status, body) = await PostWithRetriesAsync(client, "studies?" + string.Join('&', query), text, ct);
            if (status >= 400) return Fail(status, body);
            if (r.GetValue(json)) Console.Out.WriteLine(body);
            else
            {
                var doc = JsonNode.Parse(body)!;
                Console.Out.WriteLine(SubmitOutcome(doc, client.Node));
            }
            return ExitCodes.Ok;
        }));
        return submit;
    }

    /// <summary>
    /// POSTs, retrying a few times when the node cannot be reached or answers 5xx (it may be starting, or waiting for
    /// its database). Only for idempotent requests, such as a submission carrying its request id.
    /// </summary>
    private static async Task<(int Status, string Body)> PostWithRetriesAsync(NodeClient client, string path, string json,
        CancellationToken ct)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await client.PostAsync(path, json, ct);
                if (answer.Status < 500 || attempt == attempts) return answer;
                Console.Error.WriteLine(
                    $"the node answered {answer.Status}; retrying the same submission ({attempt}/{attempts - 1})");
            }
            catch (NodeUnreachableException e) when (attempt < attempts)
            {
                Console.Error.WriteLine($"{e.Message}; retrying the same submission ({attempt}/{attempts - 1})");
            }
            await Task.Delay(TimeSpan.FromSeconds(2 * attempt), ct);
        }
    }

    /// <summary>What a submission did, for people: a finished study is not "resumed", it has nothing left to run.</summary>
    private static string SubmitOutcome(JsonNode doc, string node)
    {
        var id = (string?)doc["study"];
        if ((bool)doc["created"]!) return $"created study {id} on {node}";
        return (string?)doc["status"] == "finished"
            ? $"study {id} already finished ({(string?)doc["reason"]}) on {node}: {Done(doc)}{Best(doc)}; submit with --max-trials above {(int)doc["maxTrials"]!} to continue it"
            : $"resumed study {id} on {node}: {Done(doc)}{Best(doc)}";
    }

    /// <summary>"N/M done" from a study document of the HTTP API (empty without trial counts).</summary>
    private static string Done(JsonNode study) => study["trials"] is { } t
        ? $"{(int)t["complete"]! + (int)t["failed"]! + (int)t["pruned"]!}/{(int)study["maxTrials"]!} done"
        : "";

    /// <summary>", best V (trial N)" from a study document of the HTTP API (empty before a trial completed).</summary>
    private static string Best(JsonNode study) => study["best"] switch
    {
        JsonObject b => $", best {(double)b["value"]!:G7} (trial {(int)b["number"]!})",
        JsonArray { Count: > 0 } front => $", Pareto front of {front.Count} trial(s)",
        _ => "",
    };

    private static Command CreateStop()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var node = NodeOption();
        node.Required = true;
        var reason = new Option<string?>("--reason") { Description = "Why (recorded on the unfinished trials)" };
        var stop = new Command("stop", "Stop a running study (its running trials are cancelled)") { id, node, reason };
        stop.SetAction((r, ct) => Remote(r.GetValue(node)!, ct, async client =>
        {
            var path = $"studies/{Uri.EscapeDataString(r.GetValue(id)!)}/stop" + (r.GetValue(reason) is { } why ? $"?reason={Uri.EscapeDataString(why)}" : "");
            var (status, body) = await client.PostAsync(path, null, ct);
            if (status >= 400) return Fail(status, body);
            PrintSummary(JsonNode.Parse(body)!, Console.Out);
            return ExitCodes.Ok;
        }));
        return stop;
    }

    private static Command CreateHold(string verb, string description)
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var node = NodeOption();
        node.Required = true;
        var reason = new Option<string?>("--reason") { Description = "Why (shown with the study while it is held)" };
        var json = new Option<bool>("--json") { Description = "Print the node's JSON answer (the study document)" };
        var command = new Command(verb, description) { id, node, json };
        if (verb == "pause") command.Options.Add(reason);
        command.SetAction((r, ct) => Remote(r.GetValue(node)!, ct, async client =>
        {
            var path = $"studies/{Uri.EscapeDataString(r.GetValue(id)!)}/{verb}" +
                       (verb == "pause" && r.GetValue(reason) is { } why ? $"?reason={Uri.EscapeDataString(why)}" : "");
            var (status, body) = await client.PostAsync(path, null, ct);
            if (status >= 400) return Fail(status, body);
            if (r.GetValue(json)) Console.Out.WriteLine(body);
            else PrintSummary(JsonNode.Parse(body)!, Console.Out);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateEnqueue()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var file = new Argument<FileInfo>("params")
        {
            Description = "A JSON file: one configuration (an object of parameter values) or an array of them",
        };
        var node = NodeOption();
        node.Required = true;
        var json = new Option<bool>("--json") { Description = "Print the node's JSON answer" };
        var command = new Command("enqueue",
            "Enqueue configurations to run next, before the optimizer's own suggestions, each exactly once " +
            "(on this machine: hypertune run SPEC --enqueue FILE)")
        {
            id, file, node, json,
        };
        command.SetAction((r, ct) => Remote(r.GetValue(node)!, ct, async client =>
        {
            string text;
            try
            {
                text = File.ReadAllText(r.GetValue(file)!.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot read {r.GetValue(file)!.FullName}: {e.Message}");
                return ExitCodes.BadInput;
            }
            var (status, body) = await client.PostAsync($"studies/{Uri.EscapeDataString(r.GetValue(id)!)}/enqueue",
                text, ct);
            if (status >= 400) return Fail(status, body);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(body);
                return ExitCodes.Ok;
            }
            var doc = JsonNode.Parse(body)!;
            Console.Out.WriteLine($"enqueued {(int)doc["enqueued"]!} configuration(s) in study {r.GetValue(id)}; " +
                                  $"{(int)doc["waiting"]!} waiting to start");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Runs an operation against a node's HTTP API, turning an unreachable node into a clear error.</summary>
    internal static async Task<int> Remote(string node, CancellationToken ct, Func<NodeClient, Task<int>> operation)
    {
        try
        {
            using var client = new NodeClient(node);
            return await operation(client);
        }
        catch (NodeUnreachableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    internal static int Fail(int status, string body)
    {
        var message = body;
        try
        {
            message = (string?)JsonNode.Parse(body)?["error"] ?? body;
        }
        catch (JsonException)
        {
        }
        Console.Error.WriteLine($"error: {message}");
        return status == 400 ? ExitCodes.BadInput : ExitCodes.Failed;
    }

    /// <summary>A few lines about a study from its JSON document (the node's HTTP API answer).</summary>
    internal static void PrintSummary(JsonNode doc, TextWriter output)
    {
        var trials = doc["trials"]!;
        output.WriteLine($"study {(string?)doc["study"]}: {(string?)doc["status"]}{(doc["reason"] is { } reason ? $" ({(string?)reason})" : "")}" +
                         (doc["pauseReason"] is { } held ? $" ({(string?)held}; `study resume` lets it go on)" : "") +
                         (doc["coordinatorNode"] is { } n ? $", coordinator on {(string?)n}" : ""));
        // Paused trials and steps are in the document of nodes that run schedulers; older nodes leave them out.
        var paused = trials["paused"] is { } pausedCount ? $", {(int)pausedCount} paused" : "";
        output.WriteLine($"  {(int)trials["complete"]! + (int)trials["failed"]! + (int)trials["pruned"]!}/{(int)doc["maxTrials"]!} done: " +
                         $"{(int)trials["complete"]!} complete, {(int)trials["failed"]!} failed, {(int)trials["pruned"]!} pruned{paused}, " +
                         $"{(int)trials["running"]!} running, {(int)trials["waiting"]!} waiting" +
                         (doc["steps"] is { } steps && (long)steps > 0 ? $"; {(long)steps} training steps spent" : ""));
        if (doc["best"] is JsonObject best)
            output.WriteLine($"  best trial #{(int)best["number"]!}: {(string?)doc["metric"]} = {(double)best["value"]!:G7}  {best["params"]!.ToJsonString()}");
        if (doc["best"] is JsonArray front)
        {
            output.WriteLine($"  Pareto front ({front.Count} trials):");
            foreach (var member in front)
                output.WriteLine($"    #{(int)member!["number"]!}: " +
                                 string.Join(", ", member["values"]!.AsObject().Select(v => $"{v.Key} = {(double)v.Value!:G7}")) +
                                 $"  {member["params"]!.ToJsonString()}");
        }
        foreach (var line in Output.PopulationScheduleView.Lines(doc)) output.WriteLine($"  {line}");
        PrintRungs(doc, output);
        if (doc["generations"] is JsonArray generations)
        {
            output.WriteLine("  generations (members, complete, best, mean):");
            foreach (var g in Output.GenerationTable.Shown(generations.ToList()))
                output.WriteLine($"    {(int)g!["generation"]!}: {(int)g["size"]!}, {(int)g["complete"]!}, " +
                                 $"{(g["best"] is { } b ? ((double)b).ToString("G7") : "-")}, " +
                                 $"{(g["mean"] is { } m ? ((double)m).ToString("G7") : "-")}");
        }
        if (doc["refit"] is JsonObject refit) PrintRefit(refit, output);
        if (doc["trialList"] is not JsonArray list) return;
        // Where each unfinished trial runs and how far it has got: what an operator watching a failover wants to see.
        var unfinished = list.Where(t => (string?)t!["state"] is "running" or "waiting").ToList();
        if (unfinished.Count > 0) output.WriteLine("  unfinished trials:");
        foreach (var t in unfinished)
        {
            var where = (string?)t!["node"] is { } worker ? $" on {worker.Split('#')[0]}" : " (not dispatched yet)";
            var dispatch = t["dispatch"] is { } d ? $", dispatch {(int)d}" : "";
            var step = t["lastStep"] is { } s ? $", step {(long)s}" : ", no report yet";
            var until = t["stopAtStep"] is { } stop ? $", pauses at step {(long)stop}" : "";
            output.WriteLine($"    #{(int)t["number"]!} {(string?)t["state"]}{where}{dispatch}{step}{until}");
        }
        // Paused trials hold no slot; their step is where a resume continues from.
        var pausedTrials = list.Where(t => (string?)t!["state"] == "paused").ToList();
        if (pausedTrials.Count > 0)
            output.WriteLine("  paused trials: " + string.Join(", ",
                pausedTrials.Select(t => $"#{(int)t!["number"]!} at step {(t["lastStep"] is { } s ? (long)s : 0)}")));
    }

    /// <summary>A node's refit of the study, from the document's <c>refit</c>: its test scores and model, or where it
    /// is.</summary>
    private static void PrintRefit(JsonObject refit, TextWriter output)
    {
        var status = (string?)refit["status"];
        var node = (string?)refit["node"] is { } on ? $" on {on}" : "";
        if (status == "complete")
        {
            var test = refit["test"] is JsonObject metrics && metrics.Count > 0
                ? $"; test ({(int)refit["testRows"]!} rows, seen once): " + string.Join(", ",
                    metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {(double)m.Value!:G6}")))
                : "; no test set";
            output.WriteLine($"  refit of trial #{(int)refit["trial"]!}{node}: trained on {(int)refit["trainRows"]!} " +
                             $"rows{test}");
            if ((string?)refit["modelPath"] is { } model) output.WriteLine($"  model: {model}");
        }
        else
        {
            output.WriteLine($"  refit of trial #{(int)refit["trial"]!}: {status}{node}" +
                             ((string?)refit["failureReason"] is { } why ? $" ({why})" : ""));
        }
    }

    /// <summary>The rung table from a study document's <c>rungs</c> (nodes without schedulers give none).</summary>
    private static void PrintRungs(JsonNode doc, TextWriter output)
    {
        if (doc["rungs"] is not JsonArray { Count: > 0 } rungs) return;
        var summaries = rungs.OfType<JsonObject>().Select(r => new HyperTune.Core.Schedulers.RungSummary(
            (int)r["bracket"]!, (int)r["rung"]!, (long)r["step"]!, (int)r["trials"]!, (int)r["promoted"]!,
            r["bestValue"] is { } v ? (double)v : null)).ToList();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
        });
        console.Write(RungTable.Render(summaries)!);
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var trials = new Option<bool>("--trials")
        {
            Description = "With --json, include every trial (trialList); with --node and without --json, list the unfinished trials with their node and latest step",
        };
        var node = NodeOption();
        var show = new Command("show", "Show a study's status, counts, best trial and top trials") { id, storage, json, trials, node };
        show.SetAction((r, ct) => r.GetValue(node) is { } remote ? Remote(remote, ct, async client =>
        {
            var (status, body) = await client.GetAsync($"studies/{Uri.EscapeDataString(r.GetValue(id)!)}?trials={r.GetValue(trials).ToString().ToLowerInvariant()}", ct);
            if (status >= 400) return Fail(status, body);
            if (r.GetValue(json)) Console.Out.WriteLine(JsonNode.Parse(body)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else PrintSummary(JsonNode.Parse(body)!, Console.Out);
            return ExitCodes.Ok;
        }) : WithReport(null, r.GetValue(storage), r.GetValue(id)!, includeTrials: true, ct, report =>
        {
            // The refit `study refit` recorded beside the store, if any (a node's refit is in the report).
            var refit = RecordedRefit(r.GetValue(storage), r.GetValue(id)!);
            // The same document as a node's HTTP API gives (the coordinator's report carries the rungs).
            if (r.GetValue(json))
                Console.Out.WriteLine(RefitWriter.WithRefit(StudyJson.ToJson(report, r.GetValue(trials)), refit));
            else
            {
                StudyReportWriter.WriteHuman(report, Console.Out);
                if (refit is not null && report.Progress.Best is { } best)
                    RefitWriter.WriteHuman(refit, report.Progress.Metric, best.Value, Console.Out);
                else if (report.Progress.Refit is { } nodeRefit)
                    RefitWriter.WriteHuman(nodeRefit, report.Progress, Console.Out);
            }
            return ExitCodes.Ok;
        }, pick: r.GetValue(json) ? null : (report, rows) => StudyReportWriter.SummaryTrials(report.Progress, rows)));
        return show;
    }

    /// <summary>The refit recorded in the store's artifacts folder for a study (null without one, or unreadable).
    /// </summary>
    private static RefitRecord? RecordedRefit(string? storage, string studyId)
    {
        try
        {
            var artifacts = Path.Combine(StorageOption.DataDirectory(StorageOption.Resolve(storage, null)), "artifacts",
                studyId);
            return RefitWriter.TryRead(artifacts);
        }
        catch (Exception e) when (e is JsonException or IOException or FormatException)
        {
            Console.Error.WriteLine($"warning: the study's refit record cannot be read: {e.Message}");
            return null;
        }
    }

    private static Command CreateReplaySchedule()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = NodeOption();
        var command = new Command("replay-schedule",
            "Print the spec fragment that trains the best trial of a population-based training study from scratch " +
            "with its hyperparameter schedule (merge it with the study's objective, trainable and space)")
        {
            id, storage, node,
        };
        int Print(JsonNode doc)
        {
            try
            {
                Console.Out.WriteLine(PopulationScheduleView.ReplayFragment(doc)
                    .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failed;
            }
        }
        command.SetAction((r, ct) => r.GetValue(node) is { } remote ? Remote(remote, ct, async client =>
        {
            var (status, body) = await client.GetAsync($"studies/{Uri.EscapeDataString(r.GetValue(id)!)}", ct);
            return status >= 400 ? Fail(status, body) : Print(JsonNode.Parse(body)!);
        }) : WithReport(null, r.GetValue(storage), r.GetValue(id)!, includeTrials: false, ct,
            report => Print(JsonNode.Parse(StudyJson.ToJson(report, false))!)));
        return command;
    }

    private static Command CreateList()
    {
        var storage = StorageOption.Create();
        var node = NodeOption();
        var json = new Option<bool>("--json") { Description = "Print {\"studies\": [study documents]}" };
        var list = new Command("list", "List the stored studies") { storage, node, json };
        list.SetAction((r, ct) => r.GetValue(node) is { } remote ? Remote(remote, ct, async client =>
        {
            var (status, body) = await client.GetAsync("studies", ct);
            if (status >= 400) return Fail(status, body);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(body);
                return ExitCodes.Ok;
            }
            var studies = JsonNode.Parse(body)!["studies"]!.AsArray();
            if (studies.Count == 0) Console.Error.WriteLine("no studies stored");
            foreach (var study in studies)
            {
                var t = study!["trials"];
                var line = t is null ? (string?)study["status"] :
                    $"{(string?)study["status"],-8} {Done(study)}, running {(int)t["running"]!}{Best(study)}";
                Console.Out.WriteLine($"{(string?)study["study"],-32} {line}");
            }
            return ExitCodes.Ok;
        }) : ListLocalAsync(r.GetValue(storage), r.GetValue(json), ct));
        return list;
    }

    /// <summary>
    /// Lists a local store's studies from its read model (or, for a store without one, through a node).
    /// </summary>
    private static async Task<int> ListLocalAsync(string? storage, bool json, CancellationToken ct) =>
        await LocalViews.RunAsync(storage, ct, async views =>
        {
            var studies = await views.ListAsync(ct);
            if (json)
            {
                // The same shape as a node's GET /studies.
                Console.Out.WriteLine("{\"studies\":[" + string.Join(",", studies.Select(s => s.Document)) + "]}");
                return (int?)ExitCodes.Ok;
            }
            // On stderr, so that scripts reading the list see an empty one.
            if (studies.Count == 0) Console.Error.WriteLine("no studies stored");
            foreach (var s in studies)
            {
                var report = StudyDocumentReader.Read(s.Document, null);
                Console.Out.WriteLine($"{s.StudyId,-32} {StudyJson.StatusOf(report.Progress),-8} " +
                                      ProgressView.Describe(report.Progress));
            }
            return (int?)ExitCodes.Ok;
        }) ?? await WithLocalNode(storage, ct, async client =>
        {
            var studies = await client.ListAsync(ct);
            if (json)
            {
                var documents = new List<string>();
                foreach (var s in studies)
                    if (await client.GetListedAsync(s.StudyId, cancellationToken: ct) is { } listed)
                        documents.Add(StudyJson.ToJson(listed, includeTrials: false, indented: false));
                Console.Out.WriteLine("{\"studies\":[" + string.Join(",", documents) + "]}");
                return ExitCodes.Ok;
            }
            if (studies.Count == 0) Console.Error.WriteLine("no studies stored");
            foreach (var s in studies)
            {
                var report = await client.GetListedAsync(s.StudyId, cancellationToken: ct);
                // Listed by a submission that did not get to create it.
                var state = report is null
                    ? "reserved"
                    : $"{StudyJson.StatusOf(report.Progress),-8} {ProgressView.Describe(report.Progress)}";
                Console.Out.WriteLine($"{s.StudyId,-32} {state}");
            }
            return ExitCodes.Ok;
        });

    /// <summary>
    /// Loads a study's report and hands it to <paramref name="use"/>: from a node's API with <paramref name="node"/>,
    /// else from the local store's read model, else (a store without one, or a study not in it yet) through a node
    /// opened on the store read-only.
    /// </summary>
    /// <remarks>
    /// From a local store's read model, <c>pick</c> chooses which trials to read in full, given the study's report
    /// without trials and every trial's row (null: all; a large study's summary needs few of its documents).
    /// </remarks>
    internal static Task<int> WithReport(string? node, string? storage, string id, bool includeTrials,
        CancellationToken ct, Func<Cluster.Studies.StudyProtocol.StudyReport, int> use,
        Func<Cluster.Studies.StudyProtocol.StudyReport, IReadOnlyList<TrialView>, IEnumerable<TrialView>>? pick = null)
    {
        if (node is { } remote)
            return Remote(remote, ct, async client =>
            {
                var query = includeTrials ? "?trials=true" : "";
                var (status, body) = await client.GetAsync($"studies/{Uri.EscapeDataString(id)}{query}", ct);
                return status >= 400 ? Fail(status, body) : use(StudyDocumentReader.Read(body, null));
            });
        return FromStore();

        async Task<int> FromStore() =>
            await LocalViews.RunAsync(storage, ct, async views =>
            {
                var study = await views.GetAsync(id, ct);
                if (study is null) return null;
                // A view behind its journal (a run killed between a write and its view): exact answers come from a
                // node, which recovers the study from the journal.
                if (await JournalPosition.LastAsync(StorageOption.Resolve(storage, null), id, ct) is { } last
                    && last > study.Version)
                {
                    Console.Error.WriteLine($"the read model of study {id} is behind its journal " +
                                            $"(event {study.Version} of {last}); reading the journal");
                    return null;
                }
                IEnumerable<string>? trials = null;
                if (includeTrials)
                {
                    var picked = pick is null ? null
                        : pick(StudyDocumentReader.Read(study.Document, null), await views.TrialRowsAsync(id, ct))
                            .Select(t => t.Number).ToList();
                    trials = (picked is null ? await views.TrialsAsync(id, 0, ct) : await views.TrialsAsync(id, picked, ct))
                        .Select(t => t.Document);
                }
                return use(StudyDocumentReader.Read(study.Document, trials));
            }) ?? await WithLocalNode(storage, ct, async client =>
            {
                var report = await client.GetAsync(id, includeTrials, ct);
                if (report is not null) return use(report);
                Console.Error.WriteLine($"error: no study '{id}'");
                return ExitCodes.Failed;
            });
    }

    /// <summary>
    /// Opens the store on an embedded node (studies are loaded, not resumed) and runs an operation; read-only unless
    /// <paramref name="writes"/> (then the node may write the journal and deletes checkpoints where runs keep them).
    /// </summary>
    internal static async Task<int> WithLocalNode(string? storageText, CancellationToken ct,
        Func<HyperTuneClient, Task<int>> operation, bool writes = false)
    {
        if (StorageOption.ForReading(storageText, Console.Error) is not { } storage) return ExitCodes.BadInput;
        // A damaged SQLite file would only show as a node that never answers: say so at once instead.
        if (StorageOption.DamagedSqliteFile(storage) is { } damage)
        {
            Console.Error.WriteLine($"error: {damage}");
            return ExitCodes.Failed;
        }
        // No worker role: looking at a study must not run its trials.
        var options = new NodeOptions
        {
            Storage = storage,
            Port = 0,
            RememberStudies = false,
            ReadOnly = !writes,
            Roles = new[] { NodeOptions.CoordinatorRole },
            LogFile = Path.Combine(StorageOption.DataDirectory(storage), "hypertune.log"),
            Embedded = true,
            // Where `hypertune run` keeps this store's checkpoints.
            ExtraHocon = "hypertune.worker.checkpoint-root = " +
                         StorageSpec.Quote(Path.Combine(StorageOption.DataDirectory(storage), "checkpoints")),
        };
        var (started, startCode) = await NodeStarter.StartAsync(options,
            writes ? "a node to change the store" : "a node to read the store", ct);
        if (started is null) return startCode;
        await using var node = started;
        try
        {
            return await operation(new HyperTuneClient(node));
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"error: reading {storage} through a node: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (StudyRejectedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        finally
        {
            // Before the node shuts down, whatever the outcome.
            StdoutGuard.Seal();
        }
    }
}
