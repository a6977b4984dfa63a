using System.CommandLine;
using System.Text.Json.Nodes;

namespace HyperTune.Cli.Commands;

/// <summary>The <c>hypertune cluster</c> palette.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Inspect the cluster");
        var node = StudyCommand.NodeOption();
        node.Required = true;
        var show = new Command("show", "Members, their status, roles and reachability, as the given node sees them") { node };
        show.SetAction((r, ct) => StudyCommand.Remote(r.GetValue(node)!, ct, async client =>
        {
            var (status, body) = await client.GetAsync("cluster", ct);
            if (status >= 400)
            {
                Console.Error.WriteLine($"error: {body}");
                return ExitCodes.Failed;
            }
            var doc = JsonNode.Parse(body)!;
            Console.Out.WriteLine($"seen from {(string?)doc["self"]}, leader {(string?)doc["leader"] ?? "none"}");
            foreach (var m in doc["members"]!.AsArray())
                Console.Out.WriteLine($"  {(string?)m!["address"],-40} {(string?)m["status"],-8} {((bool)m["reachable"]! ? "reachable" : "UNREACHABLE"),-12} {string.Join(",", m["roles"]!.AsArray().Select(x => (string?)x))}");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(show);
        return command;
    }
}
