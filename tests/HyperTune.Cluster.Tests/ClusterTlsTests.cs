using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

public sealed class ClusterTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Certificate(bool withPrivateKey)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=test-cluster", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_dir, withPrivateKey ? "cluster.pfx" : "public.pfx");
        File.WriteAllBytes(path, withPrivateKey
            ? certificate.Export(X509ContentType.Pkcs12)
            : X509CertificateLoader.LoadCertificate(certificate.RawData).Export(X509ContentType.Pkcs12));
        return path;
    }

    private static NodeOptions Options(string? certificate) => new()
    {
        SeedNodes = ["akka.tcp://hypertune@10.0.0.1:4053", "akka.ssl.tcp://hypertune@10.0.0.2:4053"],
        ExtraHocon = certificate is null ? null : $"hypertune.cluster-tls.certificate-path = {StorageSpec.Quote(certificate)}",
    };

    [Fact]
    public void With_a_cluster_certificate_the_transport_runs_tls_and_seeds_take_the_tls_scheme()
    {
        var config = HyperTuneNode.BuildConfig(Options(Certificate(withPrivateKey: true)));

        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["akka.ssl.tcp://hypertune@10.0.0.1:4053", "akka.ssl.tcp://hypertune@10.0.0.2:4053"],
            config.GetStringList("akka.cluster.seed-nodes"));
        Assert.NotNull(ClusterTls.From(config));
    }

    [Fact]
    public void Without_one_nothing_changes()
    {
        var config = HyperTuneNode.BuildConfig(Options(null));

        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false));
        Assert.Equal("akka.tcp://hypertune@10.0.0.1:4053", config.GetStringList("akka.cluster.seed-nodes")[0]);
        Assert.Null(ClusterTls.From(config));
    }

    [Fact]
    public void A_missing_file_or_one_without_its_private_key_is_refused_naming_it()
    {
        var missing = Path.Combine(_dir, "nope.pfx");
        var e = Assert.Throws<ConfigurationException>(() => ClusterTls.From(HyperTuneNode.BuildConfig(Options(missing))));
        Assert.Contains($"'{missing}' not found", e.Message);

        var publicOnly = Certificate(withPrivateKey: false);
        e = Assert.Throws<ConfigurationException>(() => ClusterTls.From(HyperTuneNode.BuildConfig(Options(publicOnly))));
        Assert.Contains("has no private key", e.Message);
    }
}
