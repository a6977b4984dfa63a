using System.Diagnostics;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.Tests;

/// <summary>Runs real /bin/sh processes.</summary>
public sealed class ProcessTrainableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-process-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string body)
    {
        var path = Path.Combine(_dir, $"s{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        return path;
    }

    private static ProcessTrainable Trainable(string script, string extra = "") =>
        new(JsonSettings.Parse($$"""{"command":"/bin/sh","args":[{{System.Text.Json.JsonSerializer.Serialize(script)}}]{{extra}}}""", "trainable"));

    private TrialContext Context(List<TrialReport>? reports = null) => new()
    {
        StudyId = "study-a",
        TrialNumber = 7,
        Params = Configuration.From(new Dictionary<string, object> { ["lr"] = 0.01, ["layers"] = 3L, ["opt"] = "adam", ["bn"] = true }),
        Metric = "loss",
        CheckpointDirectory = Path.Combine(_dir, "ckpt", "trial-7"),
        Report = r => reports?.Add(r),
    };

    [Fact]
    public async Task Configuration_arrives_as_arguments_and_json_and_the_last_report_is_the_result()
    {
        var script = Script("""
            echo "args: $@" >&2
            echo "hypertune-report step=1 loss=0.9"
            echo "some other output"
            echo "hypertune-report step=2 loss=0.5 acc=0.7"
            echo "$HYPERTUNE_PARAMS" > "$HYPERTUNE_CHECKPOINT_DIR/params.json"
            echo "$@" > "$HYPERTUNE_CHECKPOINT_DIR/args.txt"
            echo "$HYPERTUNE_TRIAL_NUMBER $HYPERTUNE_STUDY_ID $HYPERTUNE_METRIC" > "$HYPERTUNE_CHECKPOINT_DIR/env.txt"
            """);
        var reports = new List<TrialReport>();
        var ctx = Context(reports);
        var outcome = await Trainable(script).RunAsync(ctx, default);

        Assert.Null(outcome.FailureReason);
        Assert.Equal((0.5, (string?)null), outcome.Judge("loss"));
        Assert.Equal(0.7, outcome.Metrics["acc"]);
        Assert.Equal(new long[] { 1, 2 }, reports.Select(r => r.Step));
        var args = File.ReadAllText(Path.Combine(ctx.CheckpointDirectory!, "args.txt")).Trim();
        Assert.Equal("--bn true --layers 3 --lr 0.01 --opt adam", args);
        var json = File.ReadAllText(Path.Combine(ctx.CheckpointDirectory!, "params.json")).Trim();
        Assert.Equal("""{"bn":true,"layers":3,"lr":0.01,"opt":"adam"}""", json);
        Assert.Equal("7 study-a loss", File.ReadAllText(Path.Combine(ctx.CheckpointDirectory!, "env.txt")).Trim());
    }

    [Fact]
    public async Task A_crash_fails_the_trial_with_the_tail_of_stderr()
    {
        var script = Script("""
            i=0; while [ $i -lt 50 ]; do echo "noise $i" >&2; i=$((i+1)); done
            echo "Traceback: division by zero" >&2
            exit 3
            """);
        var outcome = await Trainable(script, """, "stderrTailLines": 5""").RunAsync(Context(), default);
        Assert.StartsWith("process exited with code 3", outcome.FailureReason);
        Assert.Contains("division by zero", outcome.FailureReason);
        Assert.DoesNotContain("noise 10", outcome.FailureReason);
    }

    [Theory]
    [InlineData("echo 'hypertune-report loss=nan'", "metric 'loss' is NaN")]
    [InlineData("echo 'hypertune-report acc=0.9'", "metric 'loss' missing from the final report")]
    [InlineData("echo done", "without printing a 'hypertune-report loss=...' line")]
    [InlineData("echo 'hypertune-report loss=oops'", "non-numeric value 'oops'")]
    public async Task A_nan_a_missing_metric_or_a_garbled_report_fails_the_trial(string body, string expected)
    {
        var outcome = await Trainable(Script(body)).RunAsync(Context(), default);
        var (value, failure) = outcome.Judge("loss");
        Assert.Null(value);
        Assert.Contains(expected, failure);
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var script = Script($"""
            sleep 300 &
            echo $! > {pidFile}
            echo "hypertune-report step=1 loss=1"
            wait
            """);
        using var cts = new CancellationTokenSource();
        var run = Trainable(script).RunAsync(Context(), cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(pidFile) || File.ReadAllText(pidFile).Trim().Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the script never started its child");
            await Task.Delay(20);
        }
        var childPid = int.Parse(File.ReadAllText(pidFile).Trim());
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        // The grandchild (sleep) is gone too, not orphaned.
        var gone = false;
        for (var i = 0; i < 100 && !gone; i++)
        {
            gone = !Directory.Exists($"/proc/{childPid}") || File.ReadAllText($"/proc/{childPid}/stat").Contains(") Z ");
            if (!gone) await Task.Delay(50);
        }
        Assert.True(gone, $"child process {childPid} survived the cancellation");
    }

    [Fact]
    public async Task A_command_that_does_not_exist_fails_with_a_clear_reason()
    {
        var t = new ProcessTrainable(JsonSettings.Parse("""{"command":"/no/such/binary"}""", "trainable"));
        var outcome = await t.RunAsync(Context(), default);
        Assert.Contains("could not start '/no/such/binary'", outcome.FailureReason);
    }

    [Fact]
    public void A_command_is_checked_against_PATH_and_the_file_system_for_local_runs()
    {
        static ProcessTrainable Of(string command) => new(JsonSettings.Parse($$"""{"command":"{{command}}"}""", "trainable"));

        Of("sh").EnsureCommandExists();
        Of("/bin/sh").EnsureCommandExists();
        var missing = Assert.Throws<SpecException>(() => Of("no-such-program-4711").EnsureCommandExists());
        Assert.Contains("trainable.command: 'no-such-program-4711' was not found on PATH", missing.Message);
        var path = Assert.Throws<SpecException>(() => Of("./no/such/script.sh").EnsureCommandExists());
        Assert.Contains("'./no/such/script.sh' does not exist (looked for ", path.Message);
    }
}
