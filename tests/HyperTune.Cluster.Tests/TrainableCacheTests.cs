using HyperTune.Cluster.Workers;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cluster.Tests;

public class TrainableCacheTests
{
    private static TrialRunSpec Run(string trainableJson, string metric = "loss") => new(trainableJson, metric, null);

    [Fact]
    public void The_same_trainable_is_created_once_and_another_trainable_gets_its_own_entry()
    {
        var cache = new TrainableCache(ProcessCommandPolicy.None);
        var branin = cache.Get(Run("""{"type":"function","function":"branin"}"""));
        // Only the trainable's JSON is the key: the metric or timeout of another study does not matter.
        Assert.Same(branin, cache.Get(Run("""{"type":"function","function":"branin"}""", metric: "value")));
        Assert.NotSame(branin, cache.Get(Run("""{"type":"function","function":"ackley"}""")));
    }

    [Fact]
    public void Trainables_asked_for_in_turn_each_get_their_own_entry()
    {
        // The cache remembers the last text it hashed: switching between studies must not hand out the other one.
        var cache = new TrainableCache(ProcessCommandPolicy.None);
        var branin = cache.Get(Run("""{"type":"function","function":"branin"}"""));
        var ackley = cache.Get(Run("""{"type":"function","function":"ackley"}"""));
        Assert.Same(ackley, cache.Get(Run(new string("""{"type":"function","function":"ackley"}""".ToCharArray()))));
        Assert.Same(branin, cache.Get(Run("""{"type":"function","function":"branin"}""")));
        Assert.Same(ackley, cache.Get(Run("""{"type":"function","function":"ackley"}""")));
        Assert.NotSame(branin, ackley);
    }

    [Fact]
    public void A_worker_creates_a_function_trainable_without_the_search_space_it_was_validated_against()
    {
        // x0..x2 are not known here: the spec was checked whole at submission, the worker only evaluates.
        var trainable = new TrainableCache(ProcessCommandPolicy.None).Get(Run("""{"type":"function","function":"ackley","steps":1}"""));
        Assert.IsType<HyperTune.Trainables.Functions.FunctionTrainable>(trainable);
    }

    [Fact]
    public void An_invalid_trainable_is_a_spec_error_naming_the_field()
    {
        var e = Assert.Throws<SpecException>(() => new TrainableCache(ProcessCommandPolicy.None).Get(Run("""{"type":"function","function":"nope"}""")));
        Assert.Equal("trainable.function", e.Path);
        var missingType = Assert.Throws<SpecException>(() => new TrainableCache(ProcessCommandPolicy.None).Get(Run("""{"command":"train"}""")));
        Assert.Equal("trainable.type", missingType.Path);
    }

    [Fact]
    public void An_mlnet_trainable_reads_data_only_under_the_nodes_data_roots()
    {
        var data = Directory.CreateTempSubdirectory("hypertune-cache-data-").FullName;
        try
        {
            var train = Path.Combine(data, "t.csv");
            var json = "{\"type\":\"mlnet\",\"task\":\"binary\",\"learner\":\"sdca\",\"data\":{\"train\":" +
                       System.Text.Json.JsonSerializer.Serialize(train) + "}}";
            var refused = Assert.Throws<SpecException>(() => new TrainableCache(ProcessCommandPolicy.None).Get(Run(json)));
            Assert.Contains(Trainables.MlNet.DataRootPolicy.ConfigKey, refused.Message);
            var allowed = new TrainableCache(ProcessCommandPolicy.None, new Trainables.MlNet.DataRootPolicy([data]));
            Assert.IsType<Trainables.MlNet.MlNetTrainable>(allowed.Get(Run(json)));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void An_in_process_objective_is_looked_up_again_for_every_run()
    {
        var json = """{"type":"inprocess","name":"cache-test"}""";
        var cache = new TrainableCache(ProcessCommandPolicy.None);
        Assert.Throws<SpecException>(() => cache.Get(Run(json)));
        var first = new Trainables.Functions.FunctionTrainable(new JsonSettings(
            JsonSettings.Parse("""{"function":"branin"}""").Element, "trainable"), null);
        using (Trainables.InProcess.InProcessTrainables.Register("cache-test", first))
            Assert.Same(first, cache.Get(Run(json)));
        // Unregistered (the program's study ended): the cache does not keep serving the old objective.
        Assert.Throws<SpecException>(() => cache.Get(Run(json)));
    }
}
