using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// Halving grid search end to end: `hypertune run config/studies/halving-grid.json --json` on the real executable,
/// with the grid points that survive each rung worked out by hand.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HalvingGridEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The grid: lr in {1e-4, 1e-3, 1e-2} x depth in {3, 7, 11} x opt in {sgd, adam, rmsprop}, on lc-mixed
    // (../shared/bench/fidelity.py: final + (1 + 0.1 depth) exp(-t k / 27), k = speed(opt) (log10 lr + 6) / 3).
    // Values from python3 with fidelity.py's lc_mixed, ranked per rung among the survivors of the rung before:
    // step 1, best 9 of 27: (1e-2, 7, adam) 1.5141, (1e-3, 7, adam) 1.6113, (1e-2, 7, rmsprop) 1.7453,
    //   (1e-3, 7, rmsprop) 1.8159, (1e-2, 3, adam) 2.0166, (1e-2, 7, sgd) 2.0901, (1e-3, 3, adam) 2.0910,
    //   (1e-3, 7, sgd) 2.1286, (1e-2, 3, rmsprop) 2.2170; the 10th, (1e-3, 3, rmsprop), has 2.2710.
    // step 3, best 3 of those 9: (1e-2, 7, adam) 0.9489, (1e-3, 7, adam) 1.1228, (1e-2, 7, rmsprop) 1.2899;
    //   the 4th, (1e-3, 7, rmsprop), has 1.4400.
    // step 9, best 1 of those 3: (1e-2, 7, adam) 0.3681 (next: 0.4801); it trains to step 27: 0.2505702864674343.
    private static readonly (int Lr, int Depth, string Opt)[] PastStep1 =
    {
        (-2, 7, "adam"), (-3, 7, "adam"), (-2, 7, "rmsprop"), (-3, 7, "rmsprop"), (-2, 3, "adam"), (-2, 7, "sgd"),
        (-3, 3, "adam"), (-3, 7, "sgd"), (-2, 3, "rmsprop"),
    };

    private static readonly (int Lr, int Depth, string Opt)[] PastStep3 = { (-2, 7, "adam"), (-3, 7, "adam"), (-2, 7, "rmsprop") };

    private const double FinalValue = 0.2505702864674343;

    private static (int Lr, int Depth, string Opt) Point(JsonNode trial)
    {
        var p = trial["params"]!;
        return ((int)Math.Round(Math.Log10((double)p["lr"]!)), (int)p["depth"]!, (string)p["opt"]!);
    }

    [Fact]
    public async Task Every_grid_point_trains_one_step_and_the_best_third_of_each_rung_goes_on_to_the_best_point()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "halving-grid.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--storage", "memory",
            "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        var trials = json["trialList"]!.AsArray().Select(t => t!).ToList();

        // Each of the 27 grid points is one trial.
        Assert.Equal(27, trials.Select(Point).Distinct().Count());
        Assert.Equal(27, trials.Count);
        Assert.All(trials, t => Assert.True((long)t["lastStep"]! >= 1));
        Assert.Equal(PastStep1.Order(), trials.Where(t => (long)t["lastStep"]! >= 3).Select(Point).Order());
        Assert.Equal(PastStep3.Order(), trials.Where(t => (long)t["lastStep"]! >= 9).Select(Point).Order());
        var winner = Assert.Single(trials, t => (string?)t["state"] == "complete");
        Assert.Equal((-2, 7, "adam"), Point(winner));
        Assert.Equal(27, (long)winner["lastStep"]!);
        Assert.Equal(FinalValue, (double)winner["value"]!, 9);
        // The others were stopped for good where their rung ended, none left paused.
        Assert.Equal(26, (int)json["trials"]!["pruned"]!);
        Assert.Equal(0, (int)json["trials"]!["paused"]!);
        Assert.Equal((int)winner["number"]!, (int)json["best"]!["number"]!);

        // Steps spent: 18 points stopped at 1, 6 at 3, 2 at 9, one trained to 27.
        Assert.Equal(18 * 1 + 6 * 3 + 2 * 9 + 27, (long)json["steps"]!);
        var rungs = json["rungs"]!.AsArray();
        Assert.Equal(new long[] { 27, 9, 3 }, rungs.Take(3).Select(r => (long)r!["trials"]!));
        Assert.Equal(new long[] { 9, 3, 1 }, rungs.Take(3).Select(r => (long)r!["promoted"]!));
    }
}
