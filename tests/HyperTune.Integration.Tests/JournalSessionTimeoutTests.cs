using System.Diagnostics;
using HyperTune.Cluster.Hosting;
using HyperTune.LocalCluster;
using Npgsql;

namespace HyperTune.Integration.Tests;

/// <summary>
/// A journal session left inside an open transaction (its node frozen between INSERT and COMMIT) must not hold the
/// study's next sequence number forever: PostgreSQL ends it after <see cref="StorageSpec.JournalIdleInTransactionTimeout"/>,
/// so the node that took the study over can write. Without the option, the taker blocked for the whole freeze.
/// </summary>
[Trait("Category", "Integration")]
public sealed class JournalSessionTimeoutTests : IAsyncLifetime
{
    private PostgresServer _db = null!;

    public async Task InitializeAsync() => _db = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_session_frozen_inside_a_write_transaction_releases_its_row_lock_to_the_next_writer()
    {
        var journal = StorageSpec.Parse(_db.StorageOption).JournalConnectionString;
        await using (var setup = new NpgsqlConnection(journal))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand(
                "CREATE TABLE events (persistence_id text, sequence_nr bigint, PRIMARY KEY (persistence_id, sequence_nr))", setup);
            await create.ExecuteNonQueryAsync();
            await using var show = new NpgsqlCommand("SHOW idle_in_transaction_session_timeout", setup);
            Assert.Equal("10s", await show.ExecuteScalarAsync());
        }

        // The frozen writer: inserted sequence number 181 and never committed.
        var frozen = new NpgsqlConnection(journal);
        await frozen.OpenAsync();
        var transaction = await frozen.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO events VALUES ('study-frozen', 181)", frozen, transaction))
            await insert.ExecuteNonQueryAsync();

        // The taker writes the same sequence number: it waits for the lock, then succeeds once the session is ended.
        var watch = Stopwatch.StartNew();
        await using (var taker = new NpgsqlConnection(journal))
        {
            await taker.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO events VALUES ('study-frozen', 181)", taker)
            {
                CommandTimeout = 60,
            };
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(45));

        // The thawed writer learns its session is gone: its commit fails, so it cannot write a second 181.
        await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync());
        await frozen.DisposeAsync();
    }

    [Fact]
    public void A_connection_string_that_sets_the_timeout_itself_is_left_as_it_is()
    {
        var own = StorageSpec.Parse("postgres:Host=db;Options=-c idle_in_transaction_session_timeout=30000");
        Assert.Equal(own.ConnectionString, own.JournalConnectionString);
        var plain = StorageSpec.Parse("postgres:Host=db;Options=-c statement_timeout=5000");
        Assert.Contains("statement_timeout=5000", plain.JournalConnectionString);
        Assert.Contains("idle_in_transaction_session_timeout=10000", plain.JournalConnectionString);
    }
}
