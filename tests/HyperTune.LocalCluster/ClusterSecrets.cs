using System.Diagnostics;

namespace HyperTune.LocalCluster;

/// <summary>
/// The certificates and API key of a secured local cluster, made by <c>hypertune security init</c> (run as a child
/// process, as an operator would) in a directory of the caller's.
/// </summary>
/// <param name="Directory">Where the files are.</param>
/// <param name="ApiKey">The operate key (what <c>HYPERTUNE_API_KEY</c> holds).</param>
public sealed record ClusterSecrets(string Directory, string ApiKey)
{
    /// <summary>The cluster certificate every node presents (<c>HYPERTUNE_CLUSTER_CERT</c>).</summary>
    public string ClusterCertificate => Path.Combine(Directory, "cluster.pfx");

    /// <summary>Runs <c>dotnet HYPERTUNE_DLL security init --out DIRECTORY</c> and reads the operate key it wrote.</summary>
    /// <exception cref="InvalidOperationException">The command failed; the message has its stderr.</exception>
    public static async Task<ClusterSecrets> CreateAsync(string hypertuneDll, string directory, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { hypertuneDll, "security", "init", "--out", directory, "--force" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"hypertune security init failed ({process.ExitCode}): {await stderr}");
        var key = (await File.ReadAllTextAsync(Path.Combine(directory, "operate.key"), cancellationToken)).Trim();
        return new ClusterSecrets(directory, key);
    }
}
