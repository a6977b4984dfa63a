using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using HyperTune.Cli.Http;
using HyperTune.Cluster.Hosting;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cli.Commands;

/// <summary>
/// The security settings of <c>hypertune node</c>: environment variables mapped onto the config, and the HTTP
/// API's keys and certificate read from it.
/// </summary>
internal static class NodeSecurity
{
    /// <summary>HOCON for the security environment variables that are set (containers configure nodes this way).</summary>
    public static string EnvironmentHocon()
    {
        var lines = new List<string>();
        if (Env("HYPERTUNE_ALLOWED_COMMANDS") is { } commands)
        {
            var entries = commands.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lines.Add($"{ProcessCommandPolicy.ConfigKey} = [{string.Join(", ", entries.Select(StorageSpec.Quote))}]");
        }
        Map("HYPERTUNE_API_KEY_FILE", "hypertune.api.key-file");
        Map("HYPERTUNE_HTTPS_CERT", "hypertune.api.tls.certificate-path");
        Map("HYPERTUNE_HTTPS_CERT_PASSWORD", "hypertune.api.tls.certificate-password");
        Map("HYPERTUNE_HTTPS_KEY", "hypertune.api.tls.key-path");
        Map("HYPERTUNE_CLUSTER_CERT", $"{ClusterTls.Section}.certificate-path");
        Map("HYPERTUNE_CLUSTER_CERT_PASSWORD", $"{ClusterTls.Section}.password");
        return string.Join("\n", lines);

        void Map(string variable, string key)
        {
            if (Env(variable) is { } value) lines.Add($"{key} = {StorageSpec.Quote(value)}");
        }
    }

    /// <summary>
    /// How the API bound to <paramref name="host"/> serves: its keys (<c>HYPERTUNE_API_KEY</c> and
    /// <c>hypertune.api.key-file</c>), its certificate and its body limit.
    /// </summary>
    /// <exception cref="FormatException">No key while bound off loopback, or a malformed key file or certificate.</exception>
    public static NodeHttpOptions HttpOptions(Config config, string host)
    {
        var keys = ApiKeyring.Load(Env(ApiKeyring.EnvironmentVariable), config.GetString("hypertune.api.key-file", ""));
        if (keys.IsEmpty && !HttpBinding.IsLoopback(host))
            throw new FormatException(
                $"the HTTP API is bound to {host}, which other machines can reach, and no API key is configured: set " +
                $"{ApiKeyring.EnvironmentVariable} or hypertune.api.key-file (hypertune security init creates one), " +
                "or bind the API to 127.0.0.1");
        var maxBytes = config.GetByteSize("hypertune.api.max-request-bytes") ?? 1 << 20;
        if (maxBytes < 1) throw new FormatException("hypertune.api.max-request-bytes must be positive");
        return new NodeHttpOptions(keys, Certificate(config), maxBytes);
    }

    private static X509Certificate2? Certificate(Config config)
    {
        var path = config.GetString("hypertune.api.tls.certificate-path", "");
        if (string.IsNullOrWhiteSpace(path)) return null;
        var keyPath = config.GetString("hypertune.api.tls.key-path", "");
        if (!File.Exists(path)) throw new FileNotFoundException($"hypertune.api.tls.certificate-path: '{path}' not found", path);
        try
        {
            return string.IsNullOrWhiteSpace(keyPath)
                ? X509CertificateLoader.LoadPkcs12FromFile(path, config.GetString("hypertune.api.tls.certificate-password", ""))
                : X509Certificate2.CreateFromPemFile(path, keyPath);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"hypertune.api.tls: cannot read the certificate '{path}': {e.Message}");
        }
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
