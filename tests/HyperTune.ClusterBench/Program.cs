using System.CommandLine;
using HyperTune.ClusterBench;
using HyperTune.Core.Specs;

// Throughput of 1 vs 3 nodes and recovery times after kill -9, with real node processes and PostgreSQL on loopback.
var trials = new Option<int>("--trials") { Description = "Trials of each throughput study", DefaultValueFactory = _ => 300 };
var training = new Option<string>("--training")
{
    Description = "Simulated training time per trial", DefaultValueFactory = _ => "200ms",
};
var slots = new Option<int>("--slots")
{
    Description = "Slots per node of the three-node cluster (one node gets 3x)", DefaultValueFactory = _ => 2,
};
var kills = new Option<int>("--kills") { Description = "Repetitions of each kill -9 experiment", DefaultValueFactory = _ => 3 };
var command = new RootCommand(
    "Throughput of 1 vs 3 nodes and recovery times after kill -9, with real node processes and PostgreSQL on loopback")
{
    trials, training, slots, kills,
};
command.SetAction(async (r, ct) =>
{
    if (JsonSettings.ParseDuration(r.GetValue(training)!) is not { } duration || duration <= TimeSpan.Zero)
    {
        Console.Error.WriteLine($"error: --training '{r.GetValue(training)}' is not a duration");
        return 2;
    }
    // Built beside this program (a project reference): the nodes run it.
    var dll = Path.Combine(AppContext.BaseDirectory, "hypertune.dll");
    await ClusterBenchmark.RunAsync(new ClusterBenchmarkOptions(dll, r.GetValue(trials), duration.TotalSeconds,
        r.GetValue(slots), r.GetValue(kills)), Console.Out, ct);
    return 0;
});
return await command.Parse(args).InvokeAsync();
