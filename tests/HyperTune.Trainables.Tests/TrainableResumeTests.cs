using System.Diagnostics;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;
using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.Tests;

/// <summary>Pausing at a step and resuming from one: built-in functions, and real /bin/sh and python3 processes.</summary>
public sealed class TrainableResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-resume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SearchSpace Branin = BenchmarkFunctions.All["branin"].Space();
    private static readonly Configuration BraninPoint = Configuration.From(new Dictionary<string, object> { ["x"] = 1.0, ["y"] = 2.0 });

    private static TrialContext Function(List<TrialReport> reports, long resume, long? stop, Configuration? config = null) => new()
    {
        StudyId = "s", TrialNumber = 0, Params = config ?? BraninPoint, Metric = "loss", Report = reports.Add,
        ResumeStep = resume, StopAtStep = stop,
    };

    [Fact]
    public async Task A_function_stops_after_its_stop_step_paused_and_resumes_at_the_next_step_to_the_same_end()
    {
        var trainable = new FunctionTrainable(JsonSettings.Parse("""{"function":"branin","steps":6}""", "trainable"), Branin);
        Assert.True(((ITrainable)trainable).CanResume);
        var whole = new List<TrialReport>();
        var full = await trainable.RunAsync(Function(whole, 0, null), default);

        var first = new List<TrialReport>();
        var paused = await trainable.RunAsync(Function(first, 0, 2), default);
        Assert.Equal(2L, paused.PausedAtStep);
        Assert.Equal(new long[] { 1, 2 }, first.Select(r => r.Step));
        var second = new List<TrialReport>();
        var pausedAgain = await trainable.RunAsync(Function(second, 2, 4), default);
        Assert.Equal(4L, pausedAgain.PausedAtStep);
        Assert.Equal(new long[] { 3, 4 }, second.Select(r => r.Step));
        var last = new List<TrialReport>();
        var done = await trainable.RunAsync(Function(last, 4, null), default);
        Assert.Null(done.PausedAtStep);
        Assert.Equal(new long[] { 5, 6 }, last.Select(r => r.Step));
        // The pieces are the uninterrupted run, step for step.
        Assert.Equal(whole.Select(r => r.Metrics["loss"]), first.Concat(second).Concat(last).Select(r => r.Metrics["loss"]));
        Assert.Equal(full.Metrics["loss"], done.Metrics["loss"]);
    }

    [Fact]
    public async Task A_fidelity_problem_reports_its_curve_at_every_step_and_its_value_at_the_last()
    {
        var space = new SearchSpace(new Parameter[] { new FloatParameter("x", 0, 1) });
        // value(x, step) = (x - 0.3)^2 + 1 / step: converges to the optimum 0 at x = 0.3.
        var problem = new FidelityProblem("mf-test", space, (c, step) => Math.Pow((double)c["x"] - 0.3, 2) + 1.0 / step, 5, 0.0);
        var trainable = new FunctionTrainable(JsonSettings.Parse("""{"function":"mf-test"}""", "trainable"), space,
            name => name == "mf-test" ? problem : null);
        var config = Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 });
        var reports = new List<TrialReport>();
        var outcome = await trainable.RunAsync(Function(reports, 0, null, config), default);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, reports.Select(r => r.Step));
        Assert.Equal(0.04 + 1.0 / 3, reports[2].Metrics["loss"], 12);
        Assert.Equal(0.04 + 0.2, outcome.Judge("loss").Value!.Value, 12);

        var other = new SearchSpace(new Parameter[] { new FloatParameter("z", 0, 1) });
        var missing = Assert.Throws<SpecException>(() => new FunctionTrainable(
            JsonSettings.Parse("""{"function":"mf-test"}""", "trainable"), other, name => name == "mf-test" ? problem : null));
        Assert.Contains("needs parameter(s) x", missing.Message);
    }

    private string Script(string extension, string body)
    {
        var path = Path.Combine(_dir, $"s{Guid.NewGuid():N}.{extension}");
        File.WriteAllText(path, body);
        return path;
    }

    private static ProcessTrainable Process(string command, string script, bool checkpoints = true) =>
        new(JsonSettings.Parse($$"""
            {"command":"{{command}}","args":[{{System.Text.Json.JsonSerializer.Serialize(script)}}],"passArguments":false,
             "checkpoints":{{(checkpoints ? "true" : "false")}}}
            """, "trainable"));

    private TrialContext ProcessContext(List<TrialReport> reports, long resume, long? stop, TimeSpan? grace = null) => new()
    {
        StudyId = "s", TrialNumber = 3, Params = Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 }),
        Metric = "loss", CheckpointDirectory = Path.Combine(_dir, "ckpt"), Report = reports.Add,
        ResumeStep = resume, StopAtStep = stop, StopGrace = grace ?? TimeSpan.FromSeconds(5),
    };

    // Trains 6 steps; the state (a running sum) is checkpointed before each report, as the contract asks.
    private const string CheckpointingTrainer = """
        import json, os, sys
        ckpt = os.environ["HYPERTUNE_CHECKPOINT_DIR"]
        resume = int(os.environ["HYPERTUNE_RESUME_STEP"])
        stop = int(os.environ.get("HYPERTUNE_STOP_AT_STEP", "6"))
        total = 0.0
        if resume > 0:
            with open(os.path.join(ckpt, "step-%d.json" % resume)) as f:
                total = json.load(f)["total"]
        for step in range(resume + 1, min(stop, 6) + 1):
            total += 1.0 / step
            with open(os.path.join(ckpt, "step-%d.json" % step), "w") as f:
                json.dump({"total": total}, f)
            print("hypertune-report step=%d loss=%r" % (step, total), flush=True)
        """;

    [Fact]
    public async Task A_checkpointing_process_pauses_at_its_stop_step_and_resumes_from_its_checkpoint()
    {
        var script = Script("py", CheckpointingTrainer);
        Assert.True(((ITrainable)Process("python3", script)).CanResume);
        Assert.False(((ITrainable)Process("python3", script, checkpoints: false)).CanResume);
        var first = new List<TrialReport>();
        var paused = await Process("python3", script).RunAsync(ProcessContext(first, 0, 2), default);
        Assert.Equal(2L, paused.PausedAtStep);
        Assert.Equal(new long[] { 1, 2 }, first.Select(r => r.Step));
        Assert.True(File.Exists(Path.Combine(_dir, "ckpt", "step-2.json")), "the checkpoint directory is kept");

        var rest = new List<TrialReport>();
        var done = await Process("python3", script).RunAsync(ProcessContext(rest, 2, null), default);
        Assert.Null(done.PausedAtStep);
        Assert.Equal(new long[] { 3, 4, 5, 6 }, rest.Select(r => r.Step));
        // 1 + 1/2 + ... + 1/6, carried over the pause through the checkpoint.
        Assert.Equal(Enumerable.Range(1, 6).Sum(i => 1.0 / i), done.Judge("loss").Value!.Value, 9);
    }

    [Fact]
    public async Task A_stopped_process_gets_sigterm_and_may_finish_its_checkpoint_within_the_grace()
    {
        var ckpt = Path.Combine(_dir, "ckpt");
        var script = Script("sh", """
            trap 'echo saved > "$HYPERTUNE_CHECKPOINT_DIR/on-term"; exit 0' TERM
            echo "hypertune-report step=1 loss=1"
            while true; do sleep 0.1; done
            """);
        var reports = new List<TrialReport>();
        using var cts = new CancellationTokenSource();
        var run = Process("/bin/sh", script).RunAsync(ProcessContext(reports, 0, null, TimeSpan.FromSeconds(10)), cts.Token);
        await WaitFor(() => reports.Count == 1);
        var stopped = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal("saved", File.ReadAllText(Path.Combine(ckpt, "on-term")).Trim());
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(8), $"stopped after {stopped.Elapsed}, not at the end of the grace");
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_is_killed_with_its_children_after_the_grace()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var script = Script("sh", $$"""
            trap '' TERM
            sleep 300 &
            echo $! > "{{pidFile}}"
            echo "hypertune-report step=1 loss=1"
            while true; do sleep 0.1; done
            """);
        var reports = new List<TrialReport>();
        using var cts = new CancellationTokenSource();
        var run = Process("/bin/sh", script).RunAsync(ProcessContext(reports, 0, null, TimeSpan.FromMilliseconds(700)), cts.Token);
        await WaitFor(() => reports.Count == 1 && File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0);
        var child = int.Parse(File.ReadAllText(pidFile).Trim());
        var stopped = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(stopped.Elapsed >= TimeSpan.FromMilliseconds(600), $"killed after {stopped.Elapsed}, before the grace ended");
        await WaitFor(() => !Alive(child));
    }

    [Fact]
    public async Task The_resume_and_stop_steps_reach_the_process_environment()
    {
        var script = Script("sh", """
            echo "resume=$HYPERTUNE_RESUME_STEP stop=${HYPERTUNE_STOP_AT_STEP:-none}" > "$HYPERTUNE_CHECKPOINT_DIR/env.txt"
            echo "hypertune-report step=9 loss=1"
            """);
        var env = Path.Combine(_dir, "ckpt", "env.txt");
        await Process("/bin/sh", script).RunAsync(ProcessContext(new List<TrialReport>(), 7, 9), default);
        Assert.Equal("resume=7 stop=9", File.ReadAllText(env).Trim());
        var outcome = await Process("/bin/sh", script).RunAsync(ProcessContext(new List<TrialReport>(), 0, null), default);
        Assert.Equal("resume=0 stop=none", File.ReadAllText(env).Trim());
        Assert.Null(outcome.PausedAtStep);
    }

    private static bool Alive(int pid)
    {
        try
        {
            return !System.Diagnostics.Process.GetProcessById(pid).HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 20 s");
            await Task.Delay(50);
        }
    }
}
