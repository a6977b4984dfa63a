using System.CommandLine;
using HyperTune.Cli.Security;

namespace HyperTune.Cli.Commands;

/// <summary><c>hypertune security init</c>: creates the certificates and API keys of a secured cluster.</summary>
internal static class SecurityCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write the files to", Required = true };
        var hosts = new Option<string[]>("--host")
        {
            Description = "A name or IP clients use to reach a node's HTTPS API (repeatable; localhost and 127.0.0.1 are always included)",
            AllowMultipleArgumentsPerToken = true,
        };
        var days = new Option<int>("--days") { Description = "Validity of the certificates in days", DefaultValueFactory = _ => 825 };
        var force = new Option<bool>("--force") { Description = "Replace files that exist" };
        var init = new Command("init", "Create a cluster certificate (remoting TLS), an HTTPS certificate and API keys, readable by you only")
        {
            output, hosts, days, force,
        };
        init.SetAction(r =>
        {
            var dir = r.GetValue(output)!.FullName;
            if (r.GetValue(days) < 1)
            {
                Console.Error.WriteLine("error: --days must be at least 1");
                return ExitCodes.BadInput;
            }
            try
            {
                SecurityMaterial.Create(dir, r.GetValue(hosts) ?? Array.Empty<string>(), TimeSpan.FromDays(r.GetValue(days)), r.GetValue(force));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failed;
            }
            Console.Error.WriteLine($"""
                wrote {string.Join(", ", SecurityMaterial.Files)} to {dir} (mode 0600)
                nodes:   HYPERTUNE_CLUSTER_CERT={Path.Combine(dir, SecurityMaterial.ClusterCertificateFile)}
                         HYPERTUNE_API_KEY_FILE={Path.Combine(dir, SecurityMaterial.KeyFile)}
                         HYPERTUNE_HTTPS_CERT={Path.Combine(dir, SecurityMaterial.HttpsCertificateFile)}
                clients: HYPERTUNE_API_KEY=$(cat {Path.Combine(dir, SecurityMaterial.OperateKeyFile)})
                         HYPERTUNE_CA_CERT={Path.Combine(dir, SecurityMaterial.HttpsPublicCertificateFile)}
                """);
            return ExitCodes.Ok;
        });
        var command = new Command("security", "Create the material of a secured cluster");
        command.Subcommands.Add(init);
        return command;
    }
}
