using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Writes Akka log events to stderr (stdout is kept for a command's own output, such as <c>--json</c>), or to the
/// file named by <c>hypertune.log-file</c> when set (the CLI's <c>run</c> does that so logs do not tear its
/// progress bar).
/// </summary>
public sealed class StderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly TextWriter _writer;

    /// <summary>Created by Akka's logging system.</summary>
    public StderrLogger()
    {
        var file = Context.System.Settings.Config.GetString("hypertune.log-file", "");
        if (string.IsNullOrEmpty(file))
        {
            _writer = Console.Error;
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            _writer = new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var level = e.LogLevel() switch
        {
            LogLevel.DebugLevel => "DEBUG",
            LogLevel.InfoLevel => "INFO ",
            LogLevel.WarningLevel => "WARN ",
            _ => "ERROR",
        };
        var cause = e is Error { Cause: { } ex } ? $"{Environment.NewLine}  {ex.GetType().Name}: {ex.Message}" : "";
        _writer.WriteLine($"[{e.Timestamp.ToUniversalTime():HH:mm:ss.fff}] {level} {e.LogSource}: {e.Message}{cause}");
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (!ReferenceEquals(_writer, Console.Error)) _writer.Dispose();
        base.PostStop();
    }
}
