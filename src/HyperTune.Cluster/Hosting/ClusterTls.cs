using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Remoting over TLS with one certificate shared by every node of a cluster (<c>hypertune.cluster-tls</c>). Each
/// connection is mutually authenticated, and a peer is accepted only when it presents that very certificate
/// (compared by SHA-256 of its bytes), so a process without the cluster's certificate and key can neither join nor
/// send a message, and a certificate from some public CA does not let anyone in. This is a check of possession of a
/// shared secret, not of a hostname: the certificate's names do not matter.
/// </summary>
public sealed class ClusterTls
{
    /// <summary>The config section.</summary>
    public const string Section = "hypertune.cluster-tls";

    private const string PlainScheme = "akka.tcp://";
    private const string TlsScheme = "akka.ssl.tcp://";

    private readonly byte[] _fingerprint;

    private ClusterTls(X509Certificate2 certificate)
    {
        Certificate = certificate;
        _fingerprint = certificate.GetCertHash(HashAlgorithmName.SHA256);
    }

    /// <summary>The cluster certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether the config enables remoting TLS (a certificate path is set).</summary>
    public static bool IsEnabled(Config config) =>
        !string.IsNullOrWhiteSpace(config.GetString($"{Section}.certificate-path", ""));

    /// <summary>The cluster certificate of a config, or null when remoting TLS is off.</summary>
    /// <exception cref="ConfigurationException">The file is missing, unreadable, or has no private key.</exception>
    public static ClusterTls? From(Config config)
    {
        if (!IsEnabled(config)) return null;
        var path = config.GetString($"{Section}.certificate-path");
        var password = config.GetString($"{Section}.password", "");
        if (!File.Exists(path)) throw new ConfigurationException($"{Section}.certificate-path: '{path}' not found");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"{Section}.certificate-path: cannot read '{path}' as PKCS#12 with the given password ({e.Message})");
        }
        if (!certificate.HasPrivateKey)
            throw new ConfigurationException($"{Section}.certificate-path: '{path}' has no private key");
        return new ClusterTls(certificate);
    }

    /// <summary>The HOCON that switches the transport to TLS.</summary>
    public static string TransportHocon => "akka.remote.dot-netty.tcp.enable-ssl = on";

    /// <summary>A seed address in the TLS scheme (<c>akka.tcp://</c> becomes <c>akka.ssl.tcp://</c>).</summary>
    public static string SecureAddress(string address) =>
        address.StartsWith(PlainScheme, StringComparison.Ordinal) ? TlsScheme + address[PlainScheme.Length..] : address;

    /// <summary>The actor-system setup that makes the transport present and demand the cluster certificate.</summary>
    public Setup TransportSetup() =>
        new DotNettySslSetup(Certificate, suppressValidation: false, requireMutualAuthentication: true, customValidator: IsClusterPeer);

    private bool IsClusterPeer(X509Certificate2? certificate, X509Chain? chain, string remotePeer, System.Net.Security.SslPolicyErrors errors, ILoggingAdapter log)
    {
        if (certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), _fingerprint))
            return true;
        log.Warning("refused a remoting connection from {0}: it did not present this cluster's certificate ({1})", remotePeer,
            certificate is null ? "no certificate" : $"subject {certificate.Subject}");
        return false;
    }
}
