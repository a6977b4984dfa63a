using HyperTune.Cluster.Hosting;

namespace HyperTune.Cli.Commands;

/// <summary>Starts a node for a command, turning a failure into a clear message and an exit code.</summary>
internal static class NodeStarter
{
    /// <summary>The started node, or null with the exit code to return (interrupted, or failed with a message).</summary>
    public static async Task<(HyperTuneNode? Node, int ExitCode)> StartAsync(NodeOptions options, string description, CancellationToken ct)
    {
        try
        {
            return (await HyperTuneNode.StartAsync(options, ct), ExitCodes.Ok);
        }
        catch (OperationCanceledException)
        {
            return (null, ExitCodes.Interrupted);
        }
        catch (Exception e)
        {
            // Our own errors name the problem at the top; wrappers (aggregates, reflection) hide it underneath.
            var shown = e is AggregateException or System.Reflection.TargetInvocationException ? e.GetBaseException() : e;
            Console.Error.WriteLine($"error: could not start {description} on {options.Storage}: {shown.Message}");
            return (null, ExitCodes.Failed);
        }
    }
}
