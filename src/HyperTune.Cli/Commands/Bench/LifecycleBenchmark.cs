using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// Runs real studies (coordinator, journal, workers, slots) on an embedded one-node cluster storing in a temporary
/// SQLite file, one per setup, and measures from each study's journal how busy its slots were and how soon a
/// pruned trial's slot was taken again.
/// </summary>
internal static class LifecycleBenchmark
{
    // The search spaces of the float-valued multi-fidelity problems (FidelityProblems), as spec JSON.
    private static readonly IReadOnlyDictionary<string, string> Spaces = new Dictionary<string, string>
    {
        ["lc-crossing"] = """
            [{ "name": "lr", "type": "float", "low": 1e-4, "high": 1.0, "log": true },
             { "name": "x0", "type": "float", "low": 0, "high": 1 },
             { "name": "x1", "type": "float", "low": 0, "high": 1 },
             { "name": "x2", "type": "float", "low": 0, "high": 1 }]
            """,
        ["mf-branin"] = """
            [{ "name": "x", "type": "float", "low": -5, "high": 10 },
             { "name": "y", "type": "float", "low": 0, "high": 15 }]
            """,
        ["mf-hartmann6"] = "[" + string.Join(", ", Enumerable.Range(0, 6)
            .Select(i => $$"""{ "name": "x{{i}}", "type": "float", "low": 0, "high": 1 }""")) + "]",
        // The toy problem of population-based training (maximized, unlike the curves above).
        [Trainables.Functions.PbtToyProblem.Name] = """
            [{ "name": "h0", "type": "float", "low": 0, "high": 1 },
             { "name": "h1", "type": "float", "low": 0, "high": 1 }]
            """,
    };

    /// <summary>The functions the command can train.</summary>
    public static IReadOnlyCollection<string> Functions => Spaces.Keys.ToList();

    /// <summary>The study spec of a setup.</summary>
    public static string SpecJson(LifecycleBenchmarkOptions options, string setup)
    {
        if (!Spaces.TryGetValue(options.Function, out var space))
            throw new ArgumentException(
                $"unknown function '{options.Function}'; known: {string.Join(", ", Spaces.Keys)}");
        var ms = (options.StepTime * options.Steps).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        var halving = $"\"minResource\": 1, \"maxResource\": {options.Steps}, \"reductionFactor\": 3";
        var scheduler = setup switch
        {
            "asha" or "successive-halving" => $$"""{ "type": "{{setup}}", {{halving}} }""",
            "hyperband" => $$"""{ "type": "hyperband", {{halving}}, "synchronous": false }""",
            "hyperband-sync" => $$"""{ "type": "hyperband", {{halving}}, "synchronous": true }""",
            _ => $$"""{ "type": "{{setup}}" }""",
        };
        var direction = options.Function == Trainables.Functions.PbtToyProblem.Name ? "maximize" : "minimize";
        return $$"""
            {
              "name": "lifecycle-{{setup}}",
              "objective": { "metric": "value", "direction": "{{direction}}" },
              "trainable": { "type": "function", "function": "{{options.Function}}", "steps": {{options.Steps}},
                             "simulatedTrainingTime": "{{ms}}ms" },
              "space": {{space}},
              "optimizer": { "type": "{{options.Optimizer}}", "seed": {{options.Seed}} },
              "scheduler": {{scheduler}},
              "budget": { "maxTrials": {{options.Trials}}, "parallelism": {{options.Slots}} }
            }
            """;
    }

    /// <summary>
    /// Runs every setup in turn on one node; progress goes to <paramref name="log"/>. <paramref name="report"/> gets
    /// the results while the node still runs; stdout is then sealed (<see cref="Output.StdoutGuard"/>), since the
    /// node's shutdown prints its last log lines there.
    /// </summary>
    public static async Task<IReadOnlyList<LifecycleSetupResult>> RunAsync(LifecycleBenchmarkOptions options,
        TextWriter log, Action<IReadOnlyList<LifecycleSetupResult>> report, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("hypertune-bench-lifecycle-").FullName;
        try
        {
            var node = await BenchNode.StartAsync(dir, options.Slots,
                null, ct);
            await using (node)
            {
                var results = new List<LifecycleSetupResult>();
                foreach (var setup in options.Setups)
                {
                    log.Write($"{setup}: ");
                    var result = await RunSetupAsync(node, options, setup, ct);
                    log.WriteLine($"{result.Timeline.Trials} trials, {result.Seconds:0.0}s");
                    results.Add(result);
                }
                try
                {
                    report(results);
                }
                finally
                {
                    Output.StdoutGuard.Seal();
                }
                return results;
            }
        }
        finally
        {
            BenchNode.DeleteDirectory(dir);
        }
    }

    private static async Task<LifecycleSetupResult> RunSetupAsync(HyperTuneNode node, LifecycleBenchmarkOptions options,
        string setup, CancellationToken ct)
    {
        var client = new HyperTuneClient(node);
        var changes = new List<(DateTimeOffset At, int Busy)>();
        var recorder = node.System.ActorOf(SlotUsageRecorder.Props(changes));
        var stopwatch = Stopwatch.StartNew();
        StudyProtocol.StudyReport report;
        try
        {
            var submitted = await client.SubmitAsync(SpecJson(options, setup), fresh: true, cancellationToken: ct);
            await foreach (var _ in client.WatchAsync(submitted.StudyId, ct))
            {
            }
            report = await client.GetAsync(submitted.StudyId, cancellationToken: ct)
                     ?? throw new InvalidOperationException($"study {submitted.StudyId} vanished");
        }
        finally
        {
            await recorder.GracefulStop(TimeSpan.FromSeconds(5));
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var events = await ReadJournalAsync(node.System, report.StudyId);
        var timeline = LifecycleTimeline.FromEvents(events);
        double limiter;
        lock (changes)
            limiter = timeline.FirstStart is { } first
                ? SlotUsageRecorder.Utilization(changes, options.Slots, first, timeline.LastEnd!.Value)
                : double.NaN;
        var p = report.Progress;
        return new LifecycleSetupResult(setup, report.StudyId, p.FinishReason, p.Complete, p.Pruned, p.Failed,
            p.Best?.Value, timeline, limiter, seconds);
    }

    /// <summary>Every event of a study, in journal order, through the SQL journal's query side.</summary>
    private static async Task<IReadOnlyList<IStudyEvent>> ReadJournalAsync(ActorSystem system, string studyId)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var envelopes = await journal
            .CurrentEventsByPersistenceId(StudyCoordinator.PersistenceIdOf(studyId), 0L, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return envelopes.Select(e => e.Event).OfType<IStudyEvent>().ToList();
    }
}
