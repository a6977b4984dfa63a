using System.CommandLine;
using HyperTune.Cli.Commands;

var root = new RootCommand("HyperTune.Cluster: hyperparameter tuning on an Akka.NET cluster")
{
    RunCommand.Create(),
    StudyCommand.Create(),
    BenchCommand.Create(),
    NodeCommand.Create(),
    ClusterCommand.Create(),
    TrialCommand.Create(),
    SecurityCommand.Create(),
    DashboardCommand.Create(),
};
// Leave time for a graceful stop on Ctrl-C: the node leaves its cluster and stops running trials.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
var parsed = root.Parse(args);
// Usage errors exit 2, as other bad input does, with messages free of .NET type names.
return ParseErrors.Report(parsed, Console.Error) ?? await parsed.InvokeAsync(invocation);
