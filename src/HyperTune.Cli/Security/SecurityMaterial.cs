using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HyperTune.Cli.Security;

/// <summary>
/// Creates what a secured cluster needs, readable by the owner only: a self-signed cluster certificate shared by
/// every node for remoting TLS, an HTTPS certificate for the nodes' APIs (with its public part to give clients),
/// and API keys (one operate, one read).
/// </summary>
internal static class SecurityMaterial
{
    /// <summary>The cluster certificate (PKCS#12, no password: the file's permissions protect it).</summary>
    public const string ClusterCertificateFile = "cluster.pfx";

    /// <summary>The HTTPS certificate with its key (PKCS#12, no password).</summary>
    public const string HttpsCertificateFile = "https.pfx";

    /// <summary>The HTTPS certificate's public part, PEM: what clients trust (HYPERTUNE_CA_CERT).</summary>
    public const string HttpsPublicCertificateFile = "https.crt";

    /// <summary>The key file for <c>hypertune.api.key-file</c>: an operate and a read key.</summary>
    public const string KeyFile = "api-keys";

    /// <summary>The operate key alone, for HYPERTUNE_API_KEY.</summary>
    public const string OperateKeyFile = "operate.key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Every file <see cref="Create"/> writes.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [ClusterCertificateFile, HttpsCertificateFile, HttpsPublicCertificateFile, KeyFile, OperateKeyFile];

    /// <summary>
    /// Writes the files into <paramref name="directory"/>. The HTTPS certificate names localhost, 127.0.0.1, ::1 and
    /// <paramref name="hostNames"/> (names or IP addresses clients use to reach the nodes).
    /// </summary>
    /// <exception cref="IOException">A file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Create(string directory, IEnumerable<string> hostNames, TimeSpan validity, bool overwrite)
    {
        Directory.CreateDirectory(directory);
        var existing = Files.Where(f => File.Exists(Path.Combine(directory, f))).ToArray();
        if (existing.Length > 0 && !overwrite)
            throw new IOException($"{string.Join(", ", existing)} already exist in {directory} (use --force to replace them)");

        using (var cluster = SelfSigned("CN=hypertune-cluster", Array.Empty<string>(), validity))
            Write(directory, ClusterCertificateFile, cluster.Export(X509ContentType.Pkcs12));
        using (var https = SelfSigned("CN=hypertune-api", new[] { "localhost", "127.0.0.1", "::1" }.Concat(hostNames).Distinct(), validity))
        {
            Write(directory, HttpsCertificateFile, https.Export(X509ContentType.Pkcs12));
            Write(directory, HttpsPublicCertificateFile, System.Text.Encoding.ASCII.GetBytes(https.ExportCertificatePem() + "\n"));
        }
        var operate = NewKey();
        Write(directory, KeyFile, System.Text.Encoding.ASCII.GetBytes(
            $"# HyperTune API keys (hypertune.api.key-file): operate may submit and stop, read may only look.\noperate:{operate}\nread:{NewKey()}\n"));
        Write(directory, OperateKeyFile, System.Text.Encoding.ASCII.GetBytes(operate + "\n"));
    }

    /// <summary>A random key: 32 bytes, URL-safe base64 (43 characters).</summary>
    public static string NewKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static X509Certificate2 SelfSigned(string subject, IEnumerable<string> names, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
            any = true;
        }
        if (any) request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Both: each node is a TLS server for the peers that connect to it and a client of those it connects to.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2") }, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
    }

    private static void Write(string directory, string name, byte[] content)
    {
        var path = Path.Combine(directory, name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(path, options)) stream.Write(content);
        // A file that existed keeps its old mode on FileMode.Create: tighten it.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerOnly);
    }
}
