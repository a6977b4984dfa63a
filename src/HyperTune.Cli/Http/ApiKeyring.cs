using System.Security.Cryptography;
using System.Text;

namespace HyperTune.Cli.Http;

/// <summary>
/// The API keys a node accepts, each with a role. Only SHA-256 hashes of the keys are kept, and a presented key is
/// compared with every stored one in constant time, so neither timing nor a memory dump of the keyring gives a
/// key away. Keys never appear in messages: errors name the file and line instead.
/// </summary>
internal sealed class ApiKeyring
{
    /// <summary>The environment variable holding one operate key (nodes, the CLI and the test harness read it).</summary>
    public const string EnvironmentVariable = "HYPERTUNE_API_KEY";

    /// <summary>Shorter keys are refused: they could be guessed.</summary>
    public const int MinimumKeyLength = 16;

    private const string BearerPrefix = "Bearer ";

    private readonly IReadOnlyList<(byte[] Hash, ApiRole Role)> _keys;

    private ApiKeyring(IReadOnlyList<(byte[] Hash, ApiRole Role)> keys) => _keys = keys;

    /// <summary>A keyring without keys: the API is open (allowed on loopback only).</summary>
    public static ApiKeyring Empty { get; } = new(Array.Empty<(byte[], ApiRole)>());

    /// <summary>Whether no key is configured.</summary>
    public bool IsEmpty => _keys.Count == 0;

    /// <summary>How many keys are configured (for the start-up line; never the keys themselves).</summary>
    public int Count => _keys.Count;

    /// <summary>
    /// The keys of a node: <paramref name="environmentKey"/> (role operate) and the lines of
    /// <paramref name="keyFile"/> (<c>operate:KEY</c> or <c>read:KEY</c>; blank lines and <c>#</c> comments skipped).
    /// </summary>
    /// <exception cref="FormatException">A malformed line or a short key, naming the source and line.</exception>
    /// <exception cref="FileNotFoundException">The key file does not exist.</exception>
    public static ApiKeyring Load(string? environmentKey, string? keyFile)
    {
        var keys = new List<(byte[], ApiRole)>();
        if (!string.IsNullOrWhiteSpace(environmentKey))
            keys.Add(Entry(environmentKey.Trim(), ApiRole.Operate, EnvironmentVariable));
        if (!string.IsNullOrWhiteSpace(keyFile))
        {
            if (!File.Exists(keyFile)) throw new FileNotFoundException($"API key file '{keyFile}' not found", keyFile);
            keys.AddRange(Parse(File.ReadAllText(keyFile), $"API key file '{keyFile}'"));
        }
        return new ApiKeyring(keys);
    }

    /// <summary>The keys of a key file's text.</summary>
    /// <exception cref="FormatException">A malformed line or a short key.</exception>
    public static IReadOnlyList<(byte[] Hash, ApiRole Role)> Parse(string text, string source)
    {
        var keys = new List<(byte[], ApiRole)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            var where = $"{source}, line {i + 1}";
            if (colon <= 0) throw new FormatException($"{where}: expected ROLE:KEY with role operate or read");
            var role = line[..colon].Trim().ToLowerInvariant() switch
            {
                "operate" => ApiRole.Operate,
                "read" => ApiRole.Read,
                _ => throw new FormatException($"{where}: unknown role '{line[..colon].Trim()}'; use operate or read"),
            };
            keys.Add(Entry(line[(colon + 1)..].Trim(), role, where));
        }
        return keys;
    }

    /// <summary>The role a request's <c>Authorization</c> header carries; <see cref="ApiRole.None"/> for none or a wrong key.</summary>
    public ApiRole Authenticate(string? authorizationHeader)
    {
        if (authorizationHeader is null || !authorizationHeader.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return ApiRole.None;
        var presented = Hash(authorizationHeader[BearerPrefix.Length..].Trim());
        // Every stored key is compared, matched or not, so the time taken says nothing about which one matched.
        var role = ApiRole.None;
        foreach (var (hash, keyRole) in _keys)
        {
            var match = CryptographicOperations.FixedTimeEquals(presented, hash);
            role = match && keyRole > role ? keyRole : role;
        }
        return role;
    }

    /// <summary>
    /// Whether a request may go on: an empty keyring lets everything through; otherwise reads (GET, HEAD) need a
    /// read or operate key and everything else an operate key.
    /// </summary>
    public ApiAccess Check(string method, string? authorizationHeader)
    {
        if (IsEmpty) return ApiAccess.Allowed;
        if (string.IsNullOrWhiteSpace(authorizationHeader)) return ApiAccess.MissingKey;
        var role = Authenticate(authorizationHeader);
        if (role == ApiRole.None) return ApiAccess.WrongKey;
        var reads = Microsoft.AspNetCore.Http.HttpMethods.IsGet(method) || Microsoft.AspNetCore.Http.HttpMethods.IsHead(method);
        return reads || role == ApiRole.Operate ? ApiAccess.Allowed : ApiAccess.ReadOnlyKey;
    }

    private static (byte[], ApiRole) Entry(string key, ApiRole role, string where) =>
        key.Length < MinimumKeyLength
            ? throw new FormatException($"{where}: the key is shorter than {MinimumKeyLength} characters")
            : (Hash(key), role);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
