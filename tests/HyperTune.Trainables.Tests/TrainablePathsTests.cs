using System.Text.Json.Nodes;

namespace HyperTune.Trainables.Tests;

public class TrainablePathsTests
{
    [Fact]
    public void Relative_data_paths_become_absolute_against_the_spec_folder()
    {
        var spec = """
            { "name": "s", // a comment
              "trainable": { "type": "mlnet", "data": { "train": "data/a.csv", "test": "/abs/b.csv" } } }
            """;
        var resolved = JsonNode.Parse(TrainablePaths.Resolve(spec, "/specs/here"))!;
        Assert.Equal("/specs/here/data/a.csv", (string?)resolved["trainable"]!["data"]!["train"]);
        Assert.Equal("/abs/b.csv", (string?)resolved["trainable"]!["data"]!["test"]);
        Assert.Equal("s", (string?)resolved["name"]);
    }

    [Fact]
    public void Specs_without_such_paths_or_not_json_are_left_alone()
    {
        const string function = """{ "trainable": { "type": "function", "function": "branin" } }""";
        Assert.Same(function, TrainablePaths.Resolve(function, "/x"));
        Assert.Equal("not json {", TrainablePaths.Resolve("not json {", "/x"));
    }
}
