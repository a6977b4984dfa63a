using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Commands;

/// <summary>
/// Opens a local store's read model for commands that only look (<c>study list|show|trials|best|export</c>): no
/// node, no cluster, no write, and an error that names the store when it cannot be read.
/// </summary>
internal static class LocalViews
{
    /// <summary>
    /// Runs <paramref name="operation"/> on the views of <paramref name="storageText"/>; returns its exit code, or
    /// null when the store has no views (or the operation says the views lack what it needs).
    /// </summary>
    public static async Task<int?> RunAsync(string? storageText, CancellationToken ct,
        Func<IStudyViewReader, Task<int?>> operation)
    {
        if (StorageOption.ForReading(storageText, Console.Error) is not { } storage) return ExitCodes.BadInput;
        var views = SqlStudyViews.For(storage, readOnly: true);
        try
        {
            if (!await views.ExistsAsync(ct)) return null;
            return await operation(views);
        }
        catch (StoreUnreadableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (System.Text.Json.JsonException e)
        {
            Console.Error.WriteLine($"error: {views.Describe()} holds a document that does not read: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
