using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HyperTune.LocalCluster;

/// <summary>
/// A private PostgreSQL server for tests and benchmarks: a fresh data directory, a free port on 127.0.0.1, trust
/// authentication, one database. The server refuses to run as root, so as root it is initialized and run as the
/// <c>postgres</c> user. When no PostgreSQL binaries are found and this process is root on Debian, they are installed
/// with apt-get; otherwise the error says how to install them.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string User = "hypertune";
    private const string Database = "hypertune";
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private string _serverSettings = "";

    private PostgresServer(string bin, string root, int port, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string to the database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database={Database};Username={User};Pooling=true;Maximum Pool Size=20";

    /// <summary>The storage option a node takes (<c>postgres:...</c>).</summary>
    public string StorageOption => "postgres:" + ConnectionString;

    /// <summary>
    /// The storage option for one node, its connections named <paramref name="applicationName"/> (PostgreSQL's
    /// <c>application_name</c>, which a test can record per written row).
    /// </summary>
    public string StorageOptionAs(string applicationName) => $"{StorageOption};Application Name={applicationName}";

    /// <summary>Runs one SQL statement and returns its rows (none for a statement without results).</summary>
    public async Task<IReadOnlyList<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Initializes and starts a server; <paramref name="durable"/> false turns off fsync (tests).</summary>
    public static async Task<PostgresServer> StartAsync(bool durable = false, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries() ?? await InstallAsync(log, cancellationToken) ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found; install them (Debian: apt-get install -y postgresql) " +
            "or set HYPERTUNE_PG_BIN to their directory");
        var root = Directory.CreateTempSubdirectory("hypertune-pg-").FullName;
        var asPostgres = Environment.UserName == "root";
        if (asPostgres) await RunAsync("chown", new[] { "-R", "postgres", root }, false, cancellationToken);
        var server = new PostgresServer(bin, root, LoopbackPorts.ReserveOne(), asPostgres);
        try
        {
            await server.RunToolAsync("initdb", new[] { "-D", server.DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-instructions" }, cancellationToken);
            server._serverSettings = $"-p {server.Port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200" +
                                     (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            await server.StartServerAsync(cancellationToken);
            await server.CreateDatabaseAsync(log, cancellationToken);
            log?.WriteLine($"PostgreSQL running on 127.0.0.1:{server.Port} ({root})");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates the test database. A connection lost on the way is tried again: on a loaded machine the first backend
    /// of a server that has just started once closed the connection in the middle of `CREATE DATABASE` (a series
    /// run failed there, before its test began). A database an earlier try created counts as created.
    /// </summary>
    private async Task CreateDatabaseAsync(TextWriter? log, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(
                    $"Host=127.0.0.1;Port={Port};Database=postgres;Username={User};Pooling=false");
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                return;
            }
            catch (NpgsqlException e) when (e is not PostgresException && attempt < attempts)
            {
                log?.WriteLine($"creating the database: {e.Message}; trying again ({attempt}/{attempts - 1})");
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }
    }

    private Task StartServerAsync(CancellationToken cancellationToken) =>
        RunToolAsync("pg_ctl",
            new[] { "-D", DataDirectory, "-o", _serverSettings, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start" },
            cancellationToken);

    /// <summary>
    /// Stops the server at once, as a crash or a lost network would (immediate shutdown: clients see their
    /// connections fail), keeping its data for <see cref="RestartAsync"/>.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        RunToolAsync("pg_ctl", new[] { "-D", DataDirectory, "-m", "immediate", "-w", "stop" }, cancellationToken);

    /// <summary>Starts the stopped server again on the same port and data; returns once it accepts connections.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => StartServerAsync(cancellationToken);

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("HYPERTUNE_PG_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "initdb")))
            return configured;
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var best = Directory.GetDirectories(debian)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (best.Dir is not null) return best.Dir;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':').FirstOrDefault(p => p.Length > 0 && File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl")));
    }

    private static async Task<string?> InstallAsync(TextWriter? log, CancellationToken cancellationToken)
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get")) return null;
        log?.WriteLine("PostgreSQL not found; installing Debian's postgresql package...");
        await RunAsync("apt-get", new[] { "update", "-qq" }, false, cancellationToken);
        await RunAsync("apt-get", new[] { "install", "-y", "-qq", "postgresql" }, false, cancellationToken, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
        return FindBinaries();
    }

    private Task RunToolAsync(string tool, string[] args, CancellationToken cancellationToken) =>
        _asPostgresUser
            ? RunAsync("runuser", new[] { "-u", "postgres", "--", Path.Combine(_bin, tool) }.Concat(args).ToArray(), false, cancellationToken)
            : RunAsync(Path.Combine(_bin, tool), args, false, cancellationToken);

    private static async Task RunAsync(string file, string[] args, bool ignoreFailure, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken);
        if (p.ExitCode != 0 && !ignoreFailure)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {await stderr}{await stdout}");
    }

    /// <summary>Stops the server at once and deletes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
                await RunToolAsync("pg_ctl", new[] { "-D", DataDirectory, "-m", "immediate", "-w", "stop" }, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Not running (it failed to start); the files still go.
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
