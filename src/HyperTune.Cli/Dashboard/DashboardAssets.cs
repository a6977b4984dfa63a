using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace HyperTune.Cli.Dashboard;

/// <summary>
/// The dashboard's pages, scripts and styles, embedded in the hypertune assembly (resources named
/// <c>dashboard/PATH</c>, from <c>Dashboard/wwwroot</c>): the dashboard works offline and from a single published
/// binary, with nothing fetched from elsewhere.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, DashboardAsset> _assets;

    private DashboardAssets(FrozenDictionary<string, DashboardAsset> assets) => _assets = assets;

    /// <summary>The assets of this build, read once.</summary>
    public static DashboardAssets Embedded { get; } = Load(typeof(DashboardAssets).Assembly);

    /// <summary>The paths served, relative to <c>/dashboard/</c> (e.g. <c>index.html</c>, <c>js/api.js</c>).</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>The asset at <paramref name="path"/> (relative to <c>/dashboard/</c>), or null.</summary>
    public DashboardAsset? Find(string path) => _assets.GetValueOrDefault(path);

    private static DashboardAssets Load(Assembly assembly)
    {
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // Resource names keep the build machine's separators (RecursiveDir on Windows has backslashes).
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            // The content's hash as the ETag: a browser revalidates and gets 304 until the binary changes.
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"";
            assets[path[Prefix.Length..]] = new DashboardAsset(bytes, type, etag);
        }
        return new DashboardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
