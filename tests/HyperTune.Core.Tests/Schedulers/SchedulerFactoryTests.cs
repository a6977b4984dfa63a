using System.Text.Json;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Halving;
using HyperTune.Core.Schedulers.Pruners;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Schedulers;

public class SchedulerFactoryTests
{
    private static ITrialScheduler Create(string json, long? steps = null)
    {
        var element = JsonDocument.Parse(json).RootElement.Clone();
        return SchedulerFactory.Create(new SchedulerSpec(element.GetProperty("type").GetString()!, element),
            StudyDirection.Minimize, steps);
    }

    private static SpecException Refused(string json, long? steps = null) =>
        Assert.Throws<SpecException>(() => Create(json, steps));

    [Fact]
    public void Every_agreed_name_is_known()
    {
        Assert.Equal(
            ["asha", "fold-racing", "hyperband", "median", "none", "patience", "pbt", "pbt-replay", "percentile", "successive-halving", "threshold"],
            SchedulerFactory.KnownTypes);
    }

    [Fact]
    public void Defaults_are_filled_in()
    {
        var median = Assert.IsType<PercentilePruner>(Create("""{"type": "median"}"""));
        Assert.Equal((50.0, 5, 0L, 1L), (median.Percentile, median.StartupTrials, median.WarmupSteps, median.Interval));
        var asha = Assert.IsType<AshaScheduler>(Create("""{"type": "asha", "maxResource": 27}"""));
        Assert.Equal(new ResourceLadder(1, 27, 3), asha.Ladder);
        // The trainable's step count stands in for maxResource.
        var hyperband = Assert.IsType<AshaScheduler>(Create("""{"type": "hyperband"}""", steps: 81));
        Assert.Equal(new ResourceLadder(1, 81, 3), hyperband.Ladder);
        Assert.Equal(5, hyperband.Brackets!.Count);
        var sync = Assert.IsType<SynchronousHalvingScheduler>(
            Create("""{"type": "hyperband", "maxResource": 9, "synchronous": true}"""));
        Assert.NotNull(sync.Brackets);
        var patience = Assert.IsType<PatiencePruner>(
            Create("""{"type": "patience", "patience": 3, "pruner": {"type": "percentile", "percentile": 10}}"""));
        Assert.Equal(10, Assert.IsType<PercentilePruner>(patience.Inner).Percentile);
        Assert.True(Create("""{"type": "successive-halving", "maxResource": 27}""").PausesTrials);
    }

    [Theory]
    [InlineData("""{"type": "asha", "maxResourse": 27}""", "scheduler.maxResourse")]
    [InlineData("""{"type": "asha", "reductionFactor": 1}""", "scheduler.reductionFactor")]
    [InlineData("""{"type": "asha", "minResource": 0}""", "scheduler.minResource")]
    [InlineData("""{"type": "asha", "minResource": 9, "maxResource": 9}""", "scheduler.maxResource")]
    [InlineData("""{"type": "asha", "maxResource": 27, "minEarlyStoppingRate": 3}""", "scheduler.minEarlyStoppingRate")]
    [InlineData("""{"type": "hyperband"}""", "scheduler.maxResource")]
    [InlineData("""{"type": "hyperband", "maxResource": 2}""", "scheduler.maxResource")]
    [InlineData("""{"type": "hyperband", "maxResource": 27, "synchronous": "yes"}""", "scheduler.synchronous")]
    [InlineData("""{"type": "successive-halving", "bracketSize": 0}""", "scheduler.bracketSize")]
    [InlineData("""{"type": "median", "percentile": 30}""", "scheduler.percentile")]
    [InlineData("""{"type": "percentile", "percentile": 101}""", "scheduler.percentile")]
    [InlineData("""{"type": "median", "interval": 0}""", "scheduler.interval")]
    [InlineData("""{"type": "threshold"}""", "scheduler.lower")]
    [InlineData("""{"type": "threshold", "lower": 2, "upper": 1}""", "scheduler.upper")]
    [InlineData("""{"type": "patience", "patience": 0}""", "scheduler.patience")]
    [InlineData("""{"type": "patience", "pruner": {"type": "asha"}}""", "scheduler.pruner.type")]
    [InlineData("""{"type": "patience", "pruner": {"type": "median", "warmup": 2}}""", "scheduler.pruner.warmup")]
    [InlineData("""{"type": "medain"}""", "scheduler.type")]
    public void Bad_settings_are_refused_naming_the_field(string json, string field)
    {
        var e = Refused(json);
        Assert.Equal(field, e.Path);
        Assert.False(string.IsNullOrWhiteSpace(e.Problem));
    }

    [Fact]
    public void Refusals_say_what_is_allowed()
    {
        Assert.Contains("at least 2", Refused("""{"type": "asha", "reductionFactor": 1}""").Problem);
        Assert.Contains("did you mean 'maxResource'", Refused("""{"type": "asha", "maxResourse": 27}""").Problem);
        Assert.Contains("did you mean 'median'", Refused("""{"type": "medain"}""").Problem);
        Assert.Contains("unless the trainable's step count is known", Refused("""{"type": "hyperband"}""").Problem);
    }

    [Fact]
    public void A_study_spec_with_a_scheduler_section_is_parsed_and_checked()
    {
        const string spec = """
        {"name": "s", "objective": {"metric": "loss", "direction": "minimize"},
         "trainable": {"type": "function", "function": "sphere"},
         "space": [{"name": "x", "type": "float", "low": -1, "high": 1}],
         "budget": {"maxTrials": 10}, "scheduler": {"type": "asha", "reductionFactor": 4}}
        """;
        Assert.Equal("asha", StudySpecParser.Parse(spec).Scheduler.Type);
        var misspelt = spec.Replace("\"reductionFactor\": 4", "\"eta\": 4");
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(misspelt));
        Assert.Equal("scheduler.eta", e.Path);
    }
}
