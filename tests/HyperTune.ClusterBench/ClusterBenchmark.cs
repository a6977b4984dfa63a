using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HyperTune.LocalCluster;

namespace HyperTune.ClusterBench;

/// <summary>
/// Measures the cluster with real processes on loopback and a private PostgreSQL: throughput of one node against
/// three nodes with the same total slots (and how busy the slots are kept), the time from a kill -9 of a worker node
/// until its trials run elsewhere, and the time from a kill -9 of the node hosting a study's coordinator until the
/// coordinator answers from another node and until trials complete again. Prints its figures as it goes.
/// </summary>
public static class ClusterBenchmark
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    /// <summary>Runs every measurement, writing figures to <paramref name="output"/>.</summary>
    public static async Task RunAsync(ClusterBenchmarkOptions o, TextWriter output, CancellationToken ct = default)
    {
        var training = $"{(o.TrainingTime * 1000).ToString(CultureInfo.InvariantCulture)}ms";
        var totalSlots = 3 * o.SlotsPerNode;
        output.WriteLine($"cluster benchmark: {o.Trials} trials of {training}, {totalSlots} slots in all, parallelism {totalSlots}; PostgreSQL on loopback");

        foreach (var nodes in new[] { 1, 3 })
        {
            await using var cluster = await Cluster.StartAsync(o.HypertuneDll, nodes, totalSlots / nodes, output, ct);
            var id = await cluster.Http.SubmitAsync(cluster.Nodes[0].Http, Spec($"throughput-{nodes}", o.Trials, totalSlots, training), ct);
            var done = await NodeHttp.WaitUntilAsync(() => cluster.StudyAsync(id), d => (string?)d["status"] == "finished", Long, "the study to finish");
            var trials = done["trialList"]!.AsArray();
            var start = trials.Min(t => DateTimeOffset.Parse((string)t!["startedAt"]!, CultureInfo.InvariantCulture));
            var end = trials.Max(t => DateTimeOffset.Parse((string)t!["finishedAt"]!, CultureInfo.InvariantCulture));
            var seconds = (end - start).TotalSeconds;
            var busy = o.Trials * o.TrainingTime / (totalSlots * seconds);
            output.WriteLine($"throughput, {nodes} node(s) x {totalSlots / nodes} slots: {o.Trials / seconds:0.0} trials/s over {seconds:0.00}s; slots busy {busy:P0} (ideal {totalSlots / o.TrainingTime:0.0} trials/s)");
        }

        await using (var cluster = await Cluster.StartAsync(o.HypertuneDll, 3, o.SlotsPerNode, output, ct))
        {
            var id = await cluster.Http.SubmitAsync(cluster.Nodes[0].Http, Spec("recovery", 1_000_000, totalSlots, training), ct);
            var worker = cluster.Nodes[2];
            for (var k = 1; k <= o.Kills; k++)
            {
                await NodeHttp.WaitUntilAsync(() => cluster.StudyAsync(id), d => RunningOn(d, worker.Options.Port).Length > 0, Long, "trials on the worker node");
                var killedAt = Stopwatch.StartNew();
                worker.Kill();
                // The trials it ran when it died: running there in the first look after the kill. A trial whose
                // result was already on its way completes with the same dispatch: it was not lost and is left out.
                var first = (await cluster.StudyAsync(id))!;
                var lost = RunningOn(first, worker.Options.Port).ToDictionary(n => n, n => DispatchOf(first, n));
                var after = await NodeHttp.WaitUntilAsync(() => cluster.StudyAsync(id), d => lost.All(kv =>
                    {
                        var t = Trial(d, kv.Key);
                        return (string?)t["state"] == "complete" || (DispatchOf(d, kv.Key) > kv.Value && (string?)t["state"] == "running");
                    }),
                    Long, "the lost trials to run elsewhere", TimeSpan.FromMilliseconds(100));
                var elapsed = killedAt.Elapsed;
                var moved = lost.Count(kv => DispatchOf(after, kv.Key) > kv.Value);
                output.WriteLine(moved == 0
                    ? $"kill -9 of the worker-only node #{k}: its trials had all finished as it died (not counted)"
                    : $"kill -9 of the worker-only node #{k}: {moved} lost trial(s) running elsewhere after {elapsed.TotalSeconds:0.0}s");
                worker = await cluster.RestartAsync(worker, ct);
            }

            for (var k = 1; k <= o.Kills; k++)
            {
                var before = await NodeHttp.WaitUntilAsync(() => cluster.StudyAsync(id), d => d["coordinatorNode"] is not null, Long, "the study");
                var host = (string)before["coordinatorNode"]!;
                var victim = cluster.Nodes.Single(n => host.EndsWith($":{n.Options.Port}", StringComparison.Ordinal));
                var completeBefore = (int)before["trials"]!["complete"]!;
                var killedAt = Stopwatch.StartNew();
                victim.Kill();
                await NodeHttp.WaitUntilAsync(() => cluster.StudyAsync(id), d => (string?)d["coordinatorNode"] != host, Long, "the coordinator to answer from another node", TimeSpan.FromMilliseconds(100));
                var answering = killedAt.Elapsed;
                var progressing = await NodeHttp.WaitUntilAsync(() => cluster.StudyAsync(id),
                    d => (int)d["trials"]!["complete"]! > completeBefore + 2 * totalSlots, Long, "trials to complete again", TimeSpan.FromMilliseconds(100));
                output.WriteLine($"kill -9 of the coordinator's node #{k}: coordinator answering from {(string?)progressing["coordinatorNode"]} after {answering.TotalSeconds:0.0}s, " +
                                 $"trials completing again after {killedAt.Elapsed.TotalSeconds:0.0}s");
                await cluster.RestartAsync(victim, ct);
            }
        }
    }

    private static JsonNode Trial(JsonNode doc, int number) => doc["trialList"]!.AsArray().Single(t => (int)t!["number"]! == number)!;

    private static int DispatchOf(JsonNode doc, int number) => (int?)Trial(doc, number)["dispatch"] ?? 0;

    private static int[] RunningOn(JsonNode doc, int port) =>
        doc["trialList"]!.AsArray()
            .Where(t => (string?)t!["state"] == "running" && ((string?)t["node"])?.Contains($":{port}#", StringComparison.Ordinal) == true)
            .Select(t => (int)t!["number"]!).ToArray();

    private static string Spec(string name, int trials, int parallelism, string training) => $$"""
        {
          "name": "{{name}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin", "simulatedTrainingTime": "{{training}}" },
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
          "optimizer": { "type": "random", "seed": 5 },
          "budget": { "maxTrials": {{trials}}, "parallelism": {{parallelism}} }
        }
        """;

    /// <summary>PostgreSQL plus N nodes; the first two are coordinator+worker seeds, the rest workers.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-bench-").FullName;
        private string _dll = "";
        private PostgresServer _db = null!;

        public List<NodeProcess> Nodes { get; } = new();

        public NodeHttp Http { get; } = new();

        public static async Task<Cluster> StartAsync(string dll, int count, int slots, TextWriter output, CancellationToken ct)
        {
            var cluster = new Cluster { _dll = dll, _db = await PostgresServer.StartAsync(durable: true, cancellationToken: ct) };
            var reserved = LoopbackPorts.Reserve(2 * count);
            var ports = Enumerable.Range(0, count).Select(i => (Cluster: reserved[2 * i], Http: reserved[2 * i + 1])).ToArray();
            var seeds = ports.Take(Math.Min(2, count)).Select(p => $"akka.tcp://hypertune@127.0.0.1:{p.Cluster}").ToArray();
            for (var i = 0; i < count; i++)
            {
                var roles = i < 2 ? "coordinator,worker" : "worker";
                cluster.Nodes.Add(NodeProcess.Start(dll, new NodeProcessOptions($"n{i}", ports[i].Cluster, ports[i].Http, seeds, roles, slots, cluster._db.StorageOption), cluster._dir));
            }
            await cluster.WaitForAllUpAsync();
            return cluster;
        }

        public async Task WaitForAllUpAsync()
        {
            foreach (var n in Nodes) await Http.WaitForHealthyAsync(n.Http, Long);
            await Http.WaitForMembersUpAsync(Nodes.First(n => !n.HasExited).Http, Nodes.Count, Long);
        }

        public async Task<NodeProcess> RestartAsync(NodeProcess node, CancellationToken ct)
        {
            var restarted = NodeProcess.Start(_dll, node.Options, _dir);
            Nodes[Nodes.IndexOf(node)] = restarted;
            await node.DisposeAsync();
            await WaitForAllUpAsync();
            return restarted;
        }

        public Task<JsonNode?> StudyAsync(string id) => Http.StudyAsync(Nodes.Where(n => !n.HasExited).Select(n => n.Http), id, trials: true);

        public async ValueTask DisposeAsync()
        {
            foreach (var n in Nodes) await n.DisposeAsync();
            Http.Dispose();
            await _db.DisposeAsync();
            // HYPERTUNE_KEEP_LOGS=1 keeps the nodes' logs (their folder is printed) to see what happened.
            if (Environment.GetEnvironmentVariable("HYPERTUNE_KEEP_LOGS") == "1")
            {
                Console.Error.WriteLine($"node logs kept in {_dir}");
                return;
            }
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
