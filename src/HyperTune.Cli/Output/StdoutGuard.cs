namespace HyperTune.Cli.Output;

/// <summary>
/// Keeps stdout for the command's own output. While the embedded node shuts down, Akka prints its last log lines
/// (remoting shut down...) to stdout once its loggers have stopped, whatever <c>akka.stdout-loglevel</c> says. Once a
/// command has written its result (or given up), those lines are of no use to the user and must not corrupt a
/// <c>--json</c> document a script is reading, nor clutter the terminal under the result: they are dropped.
/// Everything the node logged while it ran is in its log file.
/// </summary>
internal static class StdoutGuard
{
    /// <summary>Flushes the command's output and drops anything written to stdout from now on.</summary>
    public static void Seal()
    {
        Console.Out.Flush();
        Console.SetOut(TextWriter.Null);
    }
}
