using System.Text.Json.Nodes;
using HyperTune.Core.Pareto;

namespace HyperTune.Cli.Tests;

/// <summary>The multi-objective and evolutionary examples of config/studies through <c>hypertune run</c>.</summary>
[Trait("Category", "EndToEnd")]
public sealed class MultiObjectiveEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_nsga2_study_prints_its_pareto_front_and_generations_as_json()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "nsga2-zdt1.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--storage", "memory",
            "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(new[] { "f1", "f2" }, json["objectives"]!.AsArray().Select(o => (string)o!["name"]!));
        var front = json["best"]!.AsArray().Select(m => m!).ToList();
        Assert.True(front.Count >= 5, stdout);
        var points = front.Select(m => new[] { (double)m["values"]!["f1"]!, (double)m["values"]!["f2"]! }).ToList();
        // A front: no member dominates another, and every complete trial is dominated by or equal to a member.
        Assert.All(points, p => Assert.DoesNotContain(points, q => ParetoRanking.Dominates(q, p)));
        var all = json["trialList"]!.AsArray()
            .Select(t => new[] { (double)t!["metrics"]!["f1"]!, (double)t["metrics"]!["f2"]! }).ToList();
        Assert.All(all.Where(t => !points.Any(p => p.SequenceEqual(t))), t => Assert.Contains(points, p => ParetoRanking.Dominates(p, t)));
        // Better than the first generation alone: evolution moved the front.
        var design = all.Take(20).ToList();
        Assert.True(Hypervolume.Compute(points, new[] { 1.1, 1.1 }) > Hypervolume.Compute(design, new[] { 1.1, 1.1 }) + 0.05, stdout);
        var generations = json["generations"]!.AsArray();
        Assert.Equal(10, generations.Count);
        Assert.All(generations, g => Assert.Equal(20, (int)g!["size"]!));
        var second = json["trialList"]!.AsArray()[25]!;
        Assert.Equal("1", (string)second["attributes"]!["evolution.generation"]!);
        Assert.NotNull(second["attributes"]!["evolution.parents"]);
    }

    [Fact]
    public async Task A_human_report_of_a_multi_objective_study_shows_the_front_table()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "nsga2-zdt1.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--storage", "memory");
        Assert.True(code == 0, stderr);
        Assert.Contains("Pareto front (", stdout);
        Assert.Contains("f1 (min)", stdout);
        Assert.Contains("Generations", stdout);
    }
}
