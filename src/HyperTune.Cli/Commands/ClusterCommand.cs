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
        var json = new Option<bool>("--json") { Description = "Print the node's JSON answer" };
        var show = new Command("show", "Members, their status, roles and reachability, as the given node sees them")
        {
            node, json,
        };
        show.SetAction((r, ct) => StudyCommand.Remote(r.GetValue(node)!, ct, async client =>
        {
            var (status, body) = await client.GetAsync("cluster", ct);
            if (status >= 400)
            {
                Console.Error.WriteLine($"error: {body}");
                return ExitCodes.Failed;
            }
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(body);
                return ExitCodes.Ok;
            }
            var doc = JsonNode.Parse(body)!;
            Console.Out.WriteLine($"seen from {(string?)doc["self"]}, leader {(string?)doc["leader"] ?? "none"}");
            foreach (var m in doc["members"]!.AsArray())
            {
                // Worker nodes: trials running / slots (as last published by the node).
                var slots = m!["slots"] is { } n ? $" {(int)m["slotsInUse"]!}/{(int)n} slots" : "";
                Console.Out.WriteLine($"  {(string?)m["address"],-40} {(string?)m["status"],-8} " +
                                      $"{((bool)m["reachable"]! ? "reachable" : "UNREACHABLE"),-12} " +
                                      string.Join(",", m["roles"]!.AsArray().Select(x => (string?)x)
                                          .Where(r => r?.StartsWith("slots-", StringComparison.Ordinal) != true)) +
                                      slots);
            }
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(show);
        command.Subcommands.Add(CreateRemove("leave",
            "Ask a member to leave gracefully: its studies and trials move to other nodes", down: false));
        command.Subcommands.Add(CreateRemove("down",
            "Down a member that is gone and will not come back (a running one exits)", down: true));
        return command;
    }

    private static Command CreateRemove(string name, string description, bool down)
    {
        var address = new Argument<string>("address")
        {
            Description = "The member, as `cluster show` prints it, or HOST:PORT",
        };
        var node = StudyCommand.NodeOption();
        node.Required = true;
        var command = new Command(name, description) { address, node };
        command.SetAction((r, ct) => StudyCommand.Remote(r.GetValue(node)!, ct, async client =>
        {
            var path = $"cluster/{name}?address={Uri.EscapeDataString(r.GetValue(address)!)}";
            var (status, body) = await client.PostAsync(path, null, ct);
            var doc = JsonNode.Parse(body)!;
            if (status >= 400)
            {
                Console.Error.WriteLine($"error: {(string?)doc["error"] ?? body}");
                return status is 400 or 404 ? ExitCodes.BadInput : ExitCodes.Failed;
            }
            Console.Out.WriteLine(down
                ? $"downed {(string?)doc["member"]}"
                : $"{(string?)doc["member"]} is leaving (its shards and trials are handed over)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
