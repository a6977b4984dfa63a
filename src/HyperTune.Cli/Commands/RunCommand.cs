using System.CommandLine;
using System.Diagnostics;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Specs;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune run SPEC</c>: runs a study to its budget on an embedded one-node cluster (SQLite by default),
/// with a live progress bar, then prints the best trial and the top trials. Run again after an interruption, it
/// resumes the stored study.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "Study spec file (JSON); see docs/study-spec.md" };
        var storage = StorageOption.Create();
        var parallelism = new Option<int?>("--parallelism") { Description = "Trials running at once (overrides budget.parallelism)" };
        var maxTrials = new Option<int?>("--max-trials") { Description = "Trial budget (overrides budget.maxTrials)" };
        var slots = new Option<int?>("--slots") { Description = "Trials this machine runs at once (default: the larger of parallelism and the processor count)" };
        var fresh = new Option<bool>("--fresh") { Description = "Start a new study instead of resuming the stored one for this spec" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document with the outcome instead of the table" };
        var trials = new Option<bool>("--trials") { Description = "With --json, include every trial (trialList)" };
        var enqueue = new Option<FileInfo?>("--enqueue")
        {
            Description = "Configurations to try first (a JSON object or array of objects), each run exactly once " +
                          "before the optimizer's own suggestions",
        };
        var command = new Command("run", "Run a study on this machine (embedded one-node cluster) and print the best trials")
        {
            spec, storage, parallelism, maxTrials, slots, fresh, json, trials, enqueue,
        };
        command.SetAction((result, ct) => RunAsync(
            result.GetValue(spec)!, result.GetValue(storage), result.GetValue(parallelism), result.GetValue(maxTrials), result.GetValue(slots),
            result.GetValue(fresh), result.GetValue(json), result.GetValue(trials), ct, result.GetValue(enqueue)));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo specFile, string? storageText, int? parallelism, int? maxTrials, int? slots,
        bool fresh, bool json, bool includeTrials, CancellationToken ct, FileInfo? enqueueFile = null)
    {
        string? enqueueJson = null;
        if (enqueueFile is not null)
        {
            try
            {
                enqueueJson = File.ReadAllText(enqueueFile.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --enqueue: cannot read {enqueueFile.FullName}: {e.Message}");
                return ExitCodes.BadInput;
            }
        }
        StudySpec spec;
        string specJson;
        StorageSpec storage;
        string? allowedCommand = null;
        Trainables.MlNet.MlNetTrainable? model = null;
        string? userAssembly = null;
        try
        {
            // Paths in the spec are relative to its folder, whatever the working directory.
            specJson = Trainables.TrainablePaths.Resolve(File.ReadAllText(specFile.FullName), specFile.DirectoryName!);
            spec = StudySpecParser.Parse(specJson);
            // Checked against the space before anything starts: a typo fails here, not after the node is up.
            if (enqueueJson is not null) ConfigurationReader.ReadMany(enqueueJson, "--enqueue", spec.Space);
            // Trials run on this machine, so a program that is not here fails every one of them: say so now.
            var trainable = Trainables.TrainableFactory.Create(spec);
            // A missing data file or a bad row would fail every trial: say so now.
            if (trainable is Trainables.MlNet.MlNetTrainable learner)
            {
                learner.CheckData();
                model = learner;
            }
            // The user named the assembly on their own machine: the embedded node may load it (and no other).
            if (trainable is Trainables.Assemblies.AssemblyTrainableReference reference)
            {
                if (!File.Exists(reference.Path))
                    throw new SpecException("trainable.path", $"no assembly at '{reference.Path}'");
                userAssembly = reference.Path;
            }
            if (trainable is Trainables.Processes.ProcessTrainable process)
            {
                process.EnsureCommandExists();
                // The user typed the command on their own machine: the embedded node may start it (and nothing else).
                allowedCommand = Trainables.Processes.ProcessCommandPolicy.Resolve(process.Command);
            }
            storage = StorageOption.Resolve(storageText, spec.Storage);
            if (storage.Kind == StorageKind.Postgres)
                throw new FormatException("`hypertune run` keeps its own one-node cluster and stores in memory or SQLite; " +
                                          "to run a study on a cluster's PostgreSQL store, submit it to a node: hypertune study submit SPEC --node HOST:PORT");
            if (parallelism is < 1) throw new SpecException("--parallelism", "must be at least 1");
            if (maxTrials is < 1) throw new SpecException("--max-trials", "must be at least 1");
            if (slots is < 1) throw new SpecException("--slots", "must be at least 1");
        }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"error: {specFile.Name}: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        // An in-memory study leaves nothing behind: its log and checkpoints go to a scratch folder removed at the end
        // (a refit model, asked for by the spec, still goes to hypertune-data/artifacts).
        var scratch = storage.Kind == StorageKind.Memory
            ? Directory.CreateTempSubdirectory("hypertune-run-").FullName
            : null;
        try
        {
            return await RunOnNodeAsync();
        }
        finally
        {
            if (scratch is not null) TryDelete(scratch);
        }

        async Task<int> RunOnNodeAsync()
        {
            var dataDir = scratch ?? StorageOption.DataDirectory(storage);
            var artifacts = Path.Combine(StorageOption.DataDirectory(storage), "artifacts");
            var effectiveParallelism = parallelism ?? spec.Budget.Parallelism;
            var options = new NodeOptions
            {
                Storage = storage,
                Port = 0,
                RememberStudies = false,
                Slots = slots ?? Math.Max(effectiveParallelism, Environment.ProcessorCount),
                LogFile = Path.Combine(dataDir, "hypertune.log"),
                Embedded = true,
                ExtraHocon = $"hypertune.worker.checkpoint-root = {StorageSpec.Quote(Path.Combine(dataDir, "checkpoints"))}\n" +
                             // The coordinator refits an ML.NET study's best trial when it finishes: its model goes
                             // beside the store, in the artifacts folder `study refit` and `study delete` know.
                             $"hypertune.worker.artifacts-root = {StorageSpec.Quote(artifacts)}\n" +
                             "hypertune.study.refit-when-finished = on\n" +
                             $"{Trainables.Processes.ProcessCommandPolicy.ConfigKey} = " +
                             $"[{(allowedCommand is null ? "" : StorageSpec.Quote(allowedCommand))}]\n" +
                             // The user named these files on their own machine: the embedded node may read them.
                             $"{Trainables.MlNet.DataRootPolicy.ConfigKey} = " +
                             $"[{string.Join(", ", (model?.DataFolders ?? []).Select(StorageSpec.Quote))}]\n" +
                             $"{Trainables.Assemblies.AssemblyPolicy.ConfigKey} = " +
                             $"[{(userAssembly is null ? "" : StorageSpec.Quote(userAssembly))}]",
            };
            var stopwatch = Stopwatch.StartNew();
            var (node, startCode) = await NodeStarter.StartAsync(options, "the embedded node", ct);
            if (node is null) return startCode;

            await using (node)
            {
                var client = new HyperTuneClient(node);
                try
                {
                    var budget = parallelism is not null || maxTrials is not null ? new StudyProtocol.BudgetOverride(maxTrials, parallelism) : null;
                    var submitted = await client.SubmitAsync(specJson, fresh, budget, cancellationToken: ct,
                        enqueueJson: enqueueJson);
                    var studyId = submitted.StudyId;
                    var p = submitted.Progress;
                    Console.Error.WriteLine(submitted.Created
                        ? $"study {studyId}: new, {p.MaxTrials} trials, parallelism {p.Parallelism}, optimizer {spec.Optimizer.Type}, storage {storage}"
                        : $"study {studyId}: resuming at {p.Done}/{p.MaxTrials} trials ({p.Complete} complete), storage {storage}");

                    var view = new ProgressView(live: ProgressView.StderrIsTerminal);
                    await view.FollowAsync(client.WatchAsync(studyId, ct), ct);
                    // The best configuration trained on all training rows and scored once on the test set, by the
                    // node's worker as the study finished.
                    var refitFailure = model is null ? null : await RefitWaiter.WaitAsync(client, studyId, ct);
                    var report = await client.GetAsync(studyId, includeTrials: true, ct)
                                 ?? throw new StudyRejectedException($"study '{studyId}' vanished");
                    // The coordinator's report carries the scheduler's rungs (and the refit).
                    if (json)
                    {
                        // Streamed: a large study's trial list is never held whole as text.
                        Console.Out.Flush();
                        var stdout = Console.OpenStandardOutput();
                        Cluster.Api.StudyJson.Write(stdout, report, includeTrials);
                        stdout.Write("\n"u8);
                        stdout.Flush();
                    }
                    else
                    {
                        StudyReportWriter.WriteHuman(report, Console.Out, elapsed: stopwatch.Elapsed);
                        if (report.Progress.Refit is { } refit) RefitWriter.WriteHuman(refit, report.Progress, Console.Out, showNode: false);
                    }
                    if (report.Progress.Best is null && report.Progress.Status == StudyStatus.Finished)
                    {
                        // A study that spent its budget without one result has nothing to offer a script.
                        Console.Error.WriteLine($"error: study {studyId} finished without a completed trial ({report.Progress.Failed} failed, {report.Progress.Pruned} pruned)");
                        return ExitCodes.Failed;
                    }
                    if (refitFailure is not null)
                    {
                        // The study and its refit's failure are printed above; a script learns of it from the code.
                        Console.Error.WriteLine($"error: study {studyId}: {refitFailure}");
                        return ExitCodes.Failed;
                    }
                    return ExitCodes.Ok;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    Console.Error.WriteLine(scratch is null
                        ? "interrupted: the study is stored; run the same command again to resume it"
                        : "interrupted: the study was in memory and is gone (use --storage sqlite:PATH to resume later)");
                    return ExitCodes.Interrupted;
                }
                catch (SpecException e)
                {
                    Console.Error.WriteLine($"error: {specFile.Name}: {e.Message}");
                    return ExitCodes.BadInput;
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
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover in the temporary folder is not worth failing a finished run for.
        }
    }
}