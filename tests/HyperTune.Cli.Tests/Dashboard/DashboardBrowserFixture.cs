using HyperTune.Cli.Dashboard;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Views;
using PuppeteerSharp;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// Debian's chromium, headless, and two dashboard servers on free loopback ports over in-memory views of realistic
/// studies: one with parameter importance and a cluster (as a node serves it), one with neither (a local store).
/// The browser is never downloaded: without chromium the browser tests skip, or fail under CI=true.
/// </summary>
public sealed class DashboardBrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly DateTimeOffset Created = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private IBrowser? _browser;

    /// <summary>Whether this is a CI run (CI=true), where a missing browser fails rather than skips.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The read model both servers read.</summary>
    public InMemoryStudyViews Views { get; } = new();

    /// <summary>A finished study of 1,000 trials: the size the pages must draw without stalling.</summary>
    public SampleStudy Large { get; } = new("tpe-1000", "mlp tpe 1000", SampleStudyKind.SingleObjective, 1000, Created);

    /// <summary>A running study the live test adds trials to.</summary>
    public SampleStudy Live { get; } =
        new("live-1", "live asha", SampleStudyKind.SingleObjective, 400, Created.AddHours(1));

    /// <summary>A study with two objectives.</summary>
    public SampleStudy Multi { get; } =
        new("nsga-1", "accuracy vs latency", SampleStudyKind.MultiObjective, 200, Created.AddHours(2));

    /// <summary>A genetic algorithm's study.</summary>
    public SampleStudy Evolution { get; } =
        new("ga-1", "evolution styblinski", SampleStudyKind.Evolution, 80, Created.AddHours(3));

    /// <summary>Population-based training.</summary>
    public SampleStudy Pbt { get; } =
        new("pbt-1", "pbt toy", SampleStudyKind.PopulationBasedTraining, 8, Created.AddHours(4));

    /// <summary>Every study, newest first (the list's order).</summary>
    public IReadOnlyList<SampleStudy> Studies => [Pbt, Evolution, Multi, Live, Large];

    /// <summary>The server with importance and a cluster.</summary>
    internal DashboardServer Server { get; private set; } = null!;

    /// <summary>The server of a local store: no importance, no cluster.</summary>
    internal DashboardServer LocalServer { get; private set; } = null!;

    /// <summary>The browser; fails naming the package when chromium is missing.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException(
        $"chromium is not installed at {ChromiumPath}: apt-get install chromium (.ci/run installs it)");

    /// <summary>The cluster the server reports: three members, one unreachable, with slots.</summary>
    public const string ClusterJson = """
        {"self":"akka.tcp://hypertune@10.0.0.1:4053","leader":"akka.tcp://hypertune@10.0.0.1:4053","members":[
        {"address":"akka.tcp://hypertune@10.0.0.1:4053","status":"Up","reachable":true,
         "roles":["coordinator","worker"],"slots":8,"slotsInUse":6},
        {"address":"akka.tcp://hypertune@10.0.0.2:4053","status":"Up","reachable":true,
         "roles":["worker"],"slots":16,"slotsInUse":16},
        {"address":"akka.tcp://hypertune@10.0.0.3:4053","status":"Up","reachable":false,
         "roles":["worker"],"slots":16,"slotsInUse":0}]}
        """;

    public async Task InitializeAsync()
    {
        await Large.AddTrialsAsync(Views, 1000);
        await Live.AddTrialsAsync(Views, 40);
        await Multi.AddTrialsAsync(Views, 120);
        await Evolution.AddTrialsAsync(Views, 80);
        await Pbt.AddTrialsAsync(Views, 8);
        Server = await DashboardServer.StartAsync(new DashboardSources(Views)
        {
            // The product's own importance (HyperTune.Core's fANOVA over the completed trials and the study's space).
            Importance = DashboardSources.ForStore(Views).Importance,
            ClusterState = _ => Task.FromResult(new ApiResponse(200, ClusterJson)),
            PollInterval = TimeSpan.FromMilliseconds(250),
        }, 0, CancellationToken.None);
        LocalServer = await DashboardServer.StartAsync(new DashboardSources(Views), 0, CancellationToken.None);
        if (!File.Exists(ChromiumPath)) return;
        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in a container there is no user namespace for chromium's sandbox; the pages are our own.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--lang=en-US"],
            Timeout = 60_000,
        });
    }

    /// <summary>The address of a page of the main server, e.g. <c>study.html?id=ID</c>.</summary>
    public Uri Page(string relative) => new(Server.Url, relative);

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        await Server.DisposeAsync();
        await LocalServer.DisposeAsync();
    }
}
