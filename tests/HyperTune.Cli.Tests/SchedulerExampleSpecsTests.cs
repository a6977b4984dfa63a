using System.Text.Json.Nodes;
using HyperTune.Core.Optimizers.Grid;
using HyperTune.Core.Specs;

namespace HyperTune.Cli.Tests;

/// <summary>
/// The example specs with a scheduler (config/studies): they name only the agreed scheduler types and settings, and
/// the rest of each spec is valid today. Running them needs the schedulers and the built-in learning curves.
/// </summary>
public sealed class SchedulerExampleSpecsTests
{
    // The agreed scheduler names and their settings (docs/schedulers.md).
    private static readonly Dictionary<string, string[]> AgreedSettings = new()
    {
        ["none"] = Array.Empty<string>(),
        ["median"] = new[] { "startupTrials", "warmupSteps", "interval" },
        ["percentile"] = new[] { "percentile", "startupTrials", "warmupSteps", "interval" },
        ["threshold"] = new[] { "lower", "upper", "warmupSteps" },
        ["patience"] = new[] { "patience", "minDelta", "pruner" },
        ["asha"] = new[] { "minResource", "maxResource", "reductionFactor", "minEarlyStoppingRate" },
        ["successive-halving"] = new[] { "minResource", "maxResource", "reductionFactor", "bracketSize" },
        ["hyperband"] = new[] { "minResource", "maxResource", "reductionFactor", "synchronous" },
    };

    // The built-in learning curves (../shared/bench/fidelity.py) and their parameters.
    private static readonly Dictionary<string, string[]> CurveParameters = new()
    {
        ["mf-branin"] = new[] { "x", "y" },
        ["mf-hartmann6"] = new[] { "x0", "x1", "x2", "x3", "x4", "x5" },
        ["lc-crossing"] = new[] { "lr", "x0", "x1", "x2" },
        ["lc-mixed"] = new[] { "depth", "lr", "opt" },
    };

    private static string Example(string name) => Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", name);

    public static TheoryData<string> SchedulerExamples => new() { "asha-tpe.json", "halving-grid.json", "hyperband-process.json" };

    [Theory]
    [MemberData(nameof(SchedulerExamples))]
    public void The_scheduler_section_names_only_agreed_fields_with_sane_resources(string name)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Example(name)))!.AsObject();
        var scheduler = spec["scheduler"]!.AsObject();
        var type = (string)scheduler["type"]!;
        Assert.True(AgreedSettings.TryGetValue(type, out var known), $"{name}: scheduler type '{type}' is not agreed");
        foreach (var (field, _) in scheduler.Where(f => f.Key != "type"))
            Assert.True(known.Contains(field), $"{name}: scheduler.{field} is not a setting of '{type}'");

        var min = (int?)scheduler["minResource"] ?? 1;
        var max = (int)scheduler["maxResource"]!;
        var eta = (int?)scheduler["reductionFactor"] ?? 3;
        Assert.InRange(min, 1, max - 1);
        Assert.True(eta >= 2, $"{name}: reductionFactor {eta}");
        // The last rung is a full training: the trainable's step count when it has one.
        if (spec["trainable"]!["steps"] is { } steps) Assert.Equal((int)steps, max);
    }

    [Theory]
    [MemberData(nameof(SchedulerExamples))]
    public void Without_its_scheduler_the_rest_of_the_spec_is_valid(string name)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Example(name)))!.AsObject();
        spec.Remove("scheduler");
        var parsed = StudySpecParser.Parse(spec.ToJsonString());
        Assert.Equal(Path.GetFileNameWithoutExtension(name), parsed.Name);
        Assert.Equal(SchedulerSpec.DefaultType, parsed.Scheduler.Type);
    }

    [Theory]
    [MemberData(nameof(SchedulerExamples))]
    public void A_built_in_curve_gets_its_own_parameters_and_a_process_that_pauses_declares_checkpoints(string name)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Example(name)))!.AsObject();
        var trainable = spec["trainable"]!.AsObject();
        var scheduler = spec["scheduler"]!;
        var parameters = spec["space"]!.AsArray().Select(p => (string)p!["name"]!).Order(StringComparer.Ordinal).ToArray();
        if ((string)trainable["type"]! == "function")
        {
            var function = (string)trainable["function"]!;
            Assert.True(CurveParameters.TryGetValue(function, out var expected), $"{name}: '{function}' is not a learning curve");
            Assert.Equal(expected, parameters);
        }
        else
        {
            var pauses = (string)scheduler["type"]! == "successive-halving" ||
                         ((string)scheduler["type"]! == "hyperband" && (bool?)scheduler["synchronous"] == true);
            Assert.True(pauses, $"{name}: a process example is there to show pause and resume");
            Assert.True((bool?)trainable["checkpoints"] == true, $"{name}: a paused process trial resumes from its checkpoint");
            var script = Path.Combine(HypertuneProcess.RepositoryRoot, (string)trainable["args"]![0]!);
            Assert.True(File.Exists(script), script);
        }
    }

    [Fact]
    public void The_halving_grid_has_27_points_so_its_rungs_keep_9_then_3_then_1()
    {
        var spec = JsonNode.Parse(File.ReadAllText(Example("halving-grid.json")))!.AsObject();
        var scheduler = spec["scheduler"]!;
        spec.Remove("scheduler");
        var parsed = StudySpecParser.Parse(spec.ToJsonString());
        var grid = new GridOptimizer(parsed.Space, parsed.Optimizer);

        var eta = (int)scheduler["reductionFactor"]!;
        var rungs = 0;
        for (var resource = (int)scheduler["minResource"]!; resource <= (int)scheduler["maxResource"]!; resource *= eta) rungs++;
        // Every grid point in the first rung, one left in the last: size = eta^(rungs - 1).
        Assert.Equal((int)Math.Pow(eta, rungs - 1), grid.Size);
        Assert.Equal(grid.Size, grid.Points.Distinct().Count());
        Assert.Equal(grid.Size, (int)spec["budget"]!["maxTrials"]!);
    }
}
