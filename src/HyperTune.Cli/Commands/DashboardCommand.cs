using System.CommandLine;
using System.Diagnostics;
using HyperTune.Cli.Dashboard;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune dashboard [--storage S] [--port N] [--open]</c>: serves the browser dashboard of a study store on
/// 127.0.0.1 from its read model, without starting a cluster node, until Ctrl-C (exit 130). It only reads.
/// </summary>
internal static class DashboardCommand
{
    /// <summary>The port served when none is given (0 picks a free one).</summary>
    public const int DefaultPort = 8080;

    /// <summary>Creates the command.</summary>
    /// <param name="openReader">Opens a store's read model (null: this build cannot read that store's);
    /// <see cref="ViewReaderFactory.Open"/> unless a test gives another.</param>
    public static Command Create(Func<StorageSpec, IStudyViewReader?>? openReader = null)
    {
        var storage = StorageOption.Create();
        // Text, parsed here: a bad value is then a usage error (exit 2) in words, not the parser's type names.
        var port = new Option<string?>("--port")
        {
            Description = $"Port on 127.0.0.1 (default {DefaultPort}; 0 picks a free one)",
        };
        var open = new Option<bool>("--open") { Description = "Open the dashboard in the default browser" };
        var command = new Command("dashboard", "Serve the browser dashboard of a study store on 127.0.0.1 (read-only)")
        {
            storage, port, open,
        };
        command.SetAction((r, ct) => RunAsync(r.GetValue(storage), r.GetValue(port), r.GetValue(open),
            openReader ?? ViewReaderFactory.Open, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error,
            ct));
        return command;
    }

    private static async Task<int> RunAsync(string? storageText, string? portText, bool open,
        Func<StorageSpec, IStudyViewReader?> openReader, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (StorageOption.ForReading(storageText, error) is not { } storage) return ExitCodes.BadInput;
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            error.WriteLine($"error: --port: '{portText}' is not a port (0 to 65535)");
            return ExitCodes.BadInput;
        }

        IStudyViewReader? views;
        try
        {
            views = openReader(storage);
        }
        catch (StoreUnreadableException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        if (views is null)
        {
            error.WriteLine($"error: this build cannot read the study views of {storage}");
            return ExitCodes.Failed;
        }

        try
        {
            DashboardServer server;
            try
            {
                server = await DashboardServer.StartAsync(DashboardSources.ForStore(views), port, ct);
            }
            catch (IOException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            await using (server)
            {
                output.WriteLine($"dashboard of {storage} on {server.Url} (Ctrl-C to stop)");
                output.Flush();
                if (open) OpenBrowser(server.Url, error);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    error.WriteLine("stopped");
                }
            }
            return ExitCodes.Interrupted;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        finally
        {
            switch (views)
            {
                case IAsyncDisposable disposable: await disposable.DisposeAsync(); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
    }

    /// <summary>Opens <paramref name="url"/> in the desktop's browser; failing that, says so (the URL is
    /// printed).</summary>
    private static void OpenBrowser(Uri url, TextWriter error)
    {
        try
        {
            var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url.ToString()) { UseShellExecute = true }
                : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", url.ToString());
            using var process = Process.Start(start);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            error.WriteLine($"could not open a browser ({e.Message}); open {url} yourself");
        }
    }
}
