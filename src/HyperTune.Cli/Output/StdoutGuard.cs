namespace HyperTune.Cli.Output;

/// <summary>
/// Keeps stdout for the command's own output. Akka prints its last log lines (remoting shut down...) to stdout
/// once its loggers have stopped; after a command has written its result, stdout is pointed at stderr so those
/// lines cannot corrupt a <c>--json</c> document that a script is reading.
/// </summary>
internal static class StdoutGuard
{
    /// <summary>Flushes the result and sends anything written to stdout from now on to stderr.</summary>
    public static void Seal()
    {
        Console.Out.Flush();
        Console.SetOut(Console.Error);
    }
}
