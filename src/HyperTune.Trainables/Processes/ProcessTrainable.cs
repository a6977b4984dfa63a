using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Trainables.Processes;

/// <summary>
/// Runs a command per trial, in any language. The configuration is passed as <c>--name value</c> arguments (unless
/// <c>passArguments</c> is false) and as JSON in <c>HYPERTUNE_PARAMS</c>; <c>HYPERTUNE_STUDY_ID</c>,
/// <c>HYPERTUNE_TRIAL_NUMBER</c>, <c>HYPERTUNE_METRIC</c> and <c>HYPERTUNE_CHECKPOINT_DIR</c> are set too.
/// The process reports metrics with <see cref="ReportLine"/> lines on stdout; the last report is the result.
/// A non-zero exit fails the trial with the tail of stderr as the reason. Stopping it (prune, pause, timeout,
/// shutdown) sends SIGTERM, waits <see cref="TrialContext.StopGrace"/>, then kills the whole process tree.
/// </summary>
/// <remarks>
/// Resume contract (<c>"checkpoints": true</c>): the process writes its checkpoint for step s into
/// <c>HYPERTUNE_CHECKPOINT_DIR</c> before printing the report for step s. When <c>HYPERTUNE_RESUME_STEP</c> is above
/// 0 it loads the checkpoint of that step and continues at the next one; when <c>HYPERTUNE_STOP_AT_STEP</c> is set
/// it reports up to that step and exits 0 (the trial is then paused, its checkpoint directory kept).
/// </remarks>
public sealed class ProcessTrainable : ITrainable
{
    /// <summary>Environment variable with the configuration as a JSON object.</summary>
    public const string ParamsVariable = "HYPERTUNE_PARAMS";

    /// <summary>Environment variable with the trial's checkpoint directory.</summary>
    public const string CheckpointVariable = "HYPERTUNE_CHECKPOINT_DIR";

    /// <summary>Environment variable with the step to resume from (0: a fresh start).</summary>
    public const string ResumeStepVariable = "HYPERTUNE_RESUME_STEP";

    /// <summary>
    /// Environment variable with the step after whose report the process exits 0 (absent: run to the end).
    /// </summary>
    public const string StopAtStepVariable = "HYPERTUNE_STOP_AT_STEP";

    private readonly string _command;
    private readonly IReadOnlyList<string> _args;
    private readonly string? _workingDirectory;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly bool _passArguments;
    private readonly int _stderrTailLines;
    private readonly bool _checkpoints;
    private readonly long? _steps;

    /// <summary>
    /// Creates the trainable from its spec fields: <c>command</c> (required), <c>args</c>, <c>workingDirectory</c>,
    /// <c>env</c>, <c>passArguments</c> (default true), <c>stderrTailLines</c> (default 20), <c>checkpoints</c>
    /// (default false; true when the process follows the resume contract, so its trials can pause and resume),
    /// <c>steps</c> (optional: the step of the process's last report, see <see cref="TotalSteps"/>).
    /// </summary>
    public ProcessTrainable(JsonSettings settings)
    {
        _command = settings.RequireString("command");
        _args = (settings.GetArray("args") ?? Array.Empty<(JsonElement, string)>())
            .Select(a => a.Element.ValueKind == JsonValueKind.String ? a.Element.GetString()! : throw new SpecException(a.Path, "expected a string"))
            .ToArray();
        _workingDirectory = settings.GetOptionalString("workingDirectory");
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings.GetObject("env") is { } e)
            foreach (var name in e.FieldNames)
                env[name] = e.RequireString(name);
        _environment = env;
        _passArguments = settings.GetBool("passArguments", true);
        _stderrTailLines = settings.GetInt("stderrTailLines", 20, 1, 10_000);
        _checkpoints = settings.GetBool("checkpoints", false);
        _steps = settings.GetOptionalLong("steps", 1, MaxSteps);
        settings.EnsureNoUnknownFields();
    }

    /// <inheritdoc />
    public bool CanResume => _checkpoints;

    /// <summary>Largest <c>steps</c> a spec may declare.</summary>
    public const long MaxSteps = 1_000_000_000;

    /// <inheritdoc />
    /// <remarks>
    /// The spec's <c>steps</c> when it declares them (the process promises its last report is at that step), else
    /// unknown.
    /// </remarks>
    public long? TotalSteps => _steps;

    /// <summary>The program the trainable runs, as the spec names it (see <see cref="ProcessCommandPolicy"/>).</summary>
    public string Command => _command;

    /// <summary>
    /// Checks that the command can be started on this machine: a path (relative to the working directory) names a
    /// file, a bare name is found on <c>PATH</c>. Only for trials run here: a cluster's workers may have programs
    /// the submitting machine lacks.
    /// </summary>
    /// <exception cref="SpecException">The command is not found.</exception>
    public void EnsureCommandExists()
    {
        if (_command.Contains('/') || _command.Contains(Path.DirectorySeparatorChar))
        {
            // Resolved against this process's directory, or the trial's working directory when one is set.
            var candidates = new[] { Directory.GetCurrentDirectory(), _workingDirectory }
                .Where(d => d is not null).Select(d => Path.GetFullPath(Path.Combine(d!, _command))).Distinct().ToArray();
            if (!candidates.Any(File.Exists))
                throw new SpecException("trainable.command", $"'{_command}' does not exist (looked for {string.Join(" and ", candidates)})");
            return;
        }
        var names = OperatingSystem.IsWindows() ? new[] { _command, _command + ".exe", _command + ".cmd", _command + ".bat" } : new[] { _command };
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => names.Any(n => File.Exists(Path.Combine(dir, n))));
        if (!found) throw new SpecException("trainable.command", $"'{_command}' was not found on PATH");
    }

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(_command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in _args) psi.ArgumentList.Add(a);
        if (_passArguments)
            foreach (var (name, value) in context.Params)
            {
                psi.ArgumentList.Add("--" + name);
                psi.ArgumentList.Add(FormatArgument(value));
            }
        foreach (var (k, v) in _environment) psi.Environment[k] = v;
        psi.Environment[ParamsVariable] = ToJson(context.Params);
        psi.Environment["HYPERTUNE_STUDY_ID"] = context.StudyId;
        psi.Environment["HYPERTUNE_TRIAL_NUMBER"] = context.TrialNumber.ToString(CultureInfo.InvariantCulture);
        psi.Environment["HYPERTUNE_METRIC"] = context.Metric;
        psi.Environment[ResumeStepVariable] = context.ResumeStep.ToString(CultureInfo.InvariantCulture);
        if (context.StopAtStep is { } stopAt)
            psi.Environment[StopAtStepVariable] = stopAt.ToString(CultureInfo.InvariantCulture);
        else psi.Environment.Remove(StopAtStepVariable);
        if (context.CheckpointDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            psi.Environment[CheckpointVariable] = dir;
        }

        using var process = new Process { StartInfo = psi };
        try
        {
            if (!process.Start()) return TrialOutcome.Failed($"could not start '{_command}'");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return TrialOutcome.Failed($"could not start '{_command}' (working directory '{psi.WorkingDirectory}'): {ex.Message}");
        }
        process.StandardInput.Close();

        var stderrTail = new Queue<string>();
        TrialReport? last = null;
        string? protocolError = null;
        long reports = 0;

        var readOut = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (protocolError is not null) continue;
                try
                {
                    if (ReportLine.Parse(line, reports + 1) is not { } report) continue;
                    reports++;
                    last = report;
                    context.Report(report);
                }
                catch (FormatException fe)
                {
                    protocolError = fe.Message;
                }
            }
        }, CancellationToken.None);
        var readErr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
                lock (stderrTail)
                {
                    stderrTail.Enqueue(line);
                    while (stderrTail.Count > _stderrTailLines) stderrTail.Dequeue();
                }
        }, CancellationToken.None);

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, context.StopGrace).ConfigureAwait(false);
            throw;
        }
        finally
        {
            // A grandchild that keeps the pipes open must not keep us waiting once the process itself is gone.
            await Task.WhenAny(Task.WhenAll(readOut, readErr), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            KillTree(process);
        }

        string Tail()
        {
            lock (stderrTail) return stderrTail.Count == 0 ? "(no output on stderr)" : string.Join("\n", stderrTail);
        }

        if (process.ExitCode != 0)
            return TrialOutcome.Failed($"process exited with code {process.ExitCode}; stderr tail:\n{Tail()}");
        if (protocolError is not null)
            return TrialOutcome.Failed(protocolError);
        if (last is null)
            return TrialOutcome.Failed($"process exited without printing a '{ReportLine.Prefix} {context.Metric}=...' line");
        // A stop at or past the declared last step is no pause: the run is complete.
        if (context.StopAtStep is { } stop && last.Step >= stop && !(_steps is { } total && last.Step >= total))
            return TrialOutcome.Paused(last.Step, last.Metrics);
        return TrialOutcome.Completed(last.Metrics);
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM, so it can finish writing a checkpoint), then kills its tree when it is still
    /// running after <paramref name="grace"/>.
    /// </summary>
    private static async Task StopAsync(Process process, TimeSpan grace)
    {
        // Its children are found through it only while it runs: remember them, to kill them after it is gone.
        var descendants = OperatingSystem.IsWindows()
            ? Array.Empty<ProcessTree.Member>()
            : ProcessTree.Descendants(process.Id);
        if (grace > TimeSpan.Zero && !OperatingSystem.IsWindows() && Terminate(process))
        {
            using var graceOver = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(graceOver.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Still running after the grace period: killed below.
            }
        }
        KillTree(process);
        ProcessTree.Kill(descendants);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static bool Terminate(Process process)
    {
        try
        {
            return !process.HasExited && SignalNative.Kill(process.Id, SignalNative.SigTerm) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
    }

    private static string FormatArgument(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The configuration as a JSON object with native JSON types.</summary>
    public static string ToJson(Configuration config)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in config)
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case double d: writer.WriteNumberValue(d); break;
                    case long l: writer.WriteNumberValue(l); break;
                    case bool b: writer.WriteBooleanValue(b); break;
                    default: writer.WriteStringValue(value.ToString()); break;
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
