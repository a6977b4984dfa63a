using HyperTune.Cli.Http;

namespace HyperTune.Cli.Tests;

public sealed class ApiKeyringTests : IDisposable
{
    private const string OperateKey = "operate-key-0123456789";
    private const string ReadKey = "read-key-0123456789abc";
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ApiKeyring FromFile(string text, string? environmentKey = null)
    {
        var path = Path.Combine(_dir, "keys");
        File.WriteAllText(path, text);
        return ApiKeyring.Load(environmentKey, path);
    }

    [Fact]
    public void A_key_file_gives_each_key_its_role_skipping_comments_and_blank_lines()
    {
        var keys = FromFile($"# keys\n\noperate:{OperateKey}\n  read: {ReadKey}  \r\n");

        Assert.Equal(2, keys.Count);
        Assert.Equal(ApiRole.Operate, keys.Authenticate($"Bearer {OperateKey}"));
        Assert.Equal(ApiRole.Read, keys.Authenticate($"bearer {ReadKey}"));
    }

    [Fact]
    public void The_environment_key_is_an_operate_key_next_to_the_file_keys()
    {
        var keys = FromFile($"read:{ReadKey}\n", environmentKey: OperateKey);

        Assert.Equal(ApiRole.Operate, keys.Authenticate($"Bearer {OperateKey}"));
        Assert.Equal(ApiRole.Read, keys.Authenticate($"Bearer {ReadKey}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic b3BlcmF0ZS1rZXktMDEyMzQ1Njc4OQ==")]
    [InlineData("Bearer operate-key-012345678")]
    [InlineData("Bearer operate-key-01234567890")]
    [InlineData("operate-key-0123456789")]
    public void Missing_wrong_or_non_bearer_credentials_carry_no_role(string? header)
    {
        var keys = FromFile($"operate:{OperateKey}\n");

        Assert.Equal(ApiRole.None, keys.Authenticate(header));
    }

    [Fact]
    public void Reads_need_any_key_and_changes_need_an_operate_key()
    {
        var keys = FromFile($"operate:{OperateKey}\nread:{ReadKey}\n");

        Assert.Equal(ApiAccess.MissingKey, keys.Check("GET", null));
        Assert.Equal(ApiAccess.WrongKey, keys.Check("GET", "Bearer not-a-key-of-this-node"));
        Assert.Equal(ApiAccess.Allowed, keys.Check("GET", $"Bearer {ReadKey}"));
        Assert.Equal(ApiAccess.ReadOnlyKey, keys.Check("POST", $"Bearer {ReadKey}"));
        Assert.Equal(ApiAccess.Allowed, keys.Check("POST", $"Bearer {OperateKey}"));
    }

    [Fact]
    public void Without_keys_everything_is_allowed()
    {
        var keys = ApiKeyring.Load(null, null);

        Assert.True(keys.IsEmpty);
        Assert.Equal(ApiAccess.Allowed, keys.Check("POST", null));
    }

    [Fact]
    public void A_malformed_line_is_refused_naming_the_file_and_line_but_never_the_key()
    {
        var unknownRole = Assert.Throws<FormatException>(() => FromFile($"operate:{OperateKey}\nadmin:{ReadKey}\n"));
        Assert.Contains("line 2: unknown role 'admin'", unknownRole.Message);
        Assert.DoesNotContain(ReadKey, unknownRole.Message);

        var noRole = Assert.Throws<FormatException>(() => FromFile($"{OperateKey}\n"));
        Assert.Contains("line 1: expected ROLE:KEY", noRole.Message);
        Assert.DoesNotContain(OperateKey, noRole.Message);
    }

    [Fact]
    public void A_short_key_is_refused()
    {
        var fromFile = Assert.Throws<FormatException>(() => FromFile("read:short\n"));
        Assert.Contains($"shorter than {ApiKeyring.MinimumKeyLength} characters", fromFile.Message);
        var fromEnvironment = Assert.Throws<FormatException>(() => ApiKeyring.Load("short", null));
        Assert.Contains(ApiKeyring.EnvironmentVariable, fromEnvironment.Message);
    }

    [Fact]
    public void A_missing_key_file_is_named()
    {
        var missing = Path.Combine(_dir, "nope");
        var e = Assert.Throws<FileNotFoundException>(() => ApiKeyring.Load(null, missing));
        Assert.Contains(missing, e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.3.2.1", true)]
    [InlineData("localhost", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("*", false)]
    [InlineData("+", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("node-a", false)]
    public void Only_localhost_and_loopback_addresses_count_as_loopback(string host, bool loopback) =>
        Assert.Equal(loopback, HttpBinding.IsLoopback(host));
}
