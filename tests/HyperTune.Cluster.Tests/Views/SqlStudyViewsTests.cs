using System.Diagnostics;
using System.Text.Json;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;

namespace HyperTune.Cluster.Tests.Views;

/// <summary>The read model in an SQLite file (the PostgreSQL case runs in the integration suite).</summary>
public sealed class SqlStudyViewsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-views-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private StorageSpec Storage => StorageSpec.SqliteFile(Path.Combine(_dir, "store.db"));

    internal static async Task RoundTripAsync(IStudyViewReader reader, IStudyViewWriter writer)
    {
        var now = ViewFixtures.Created.AddMinutes(1);
        var first = ViewFixtures.Report("a", 3);
        await writer.WriteAsync(StudyViewProjection.Study(first, 10, now),
            StudyViewProjection.Trials(first, first.Trials!, 10), default);
        var second = ViewFixtures.Report("b", 1, finished: true) with
        {
            Progress = ViewFixtures.Report("b", 1, finished: true).Progress with
            {
                CreatedAt = ViewFixtures.Created.AddHours(1),
            },
        };
        await writer.WriteAsync(StudyViewProjection.Study(second, 4, now),
            StudyViewProjection.Trials(second, second.Trials!, 4), default);

        var list = await reader.ListAsync(default);
        // Newest first.
        Assert.Equal(new[] { "b", "a" }, list.Select(s => s.StudyId));
        Assert.Equal("finished", list[0].Status);
        Assert.Equal(ViewFixtures.Created.AddHours(1), list[0].CreatedAt);
        var a = await reader.GetAsync("a", default);
        Assert.NotNull(a);
        Assert.Equal(10, a.Version);
        var counts = JsonDocument.Parse(a.Document).RootElement.GetProperty("trials");
        Assert.Equal(3, counts.GetProperty("complete").GetInt32());
        Assert.Null(await reader.GetAsync("c", default));

        var trials = await reader.TrialsAsync("a", 0, default);
        Assert.Equal(new[] { 0, 1, 2, 3 }, trials.Select(t => t.Number));
        Assert.Equal(new[] { "complete", "complete", "complete", "running" }, trials.Select(t => t.State));
        Assert.Equal(99.0, trials[1].Value);
        var doc = JsonDocument.Parse(trials[1].Document).RootElement;
        Assert.Equal(2, doc.GetProperty("intermediate").GetArrayLength());
        Assert.Equal("node-a", JsonDocument.Parse(trials[3].Document).RootElement.GetProperty("node").GetString());

        // A later write of only the trials that changed: the running trial completed, a new one started.
        var later = ViewFixtures.Report("a", 4);
        await writer.WriteAsync(StudyViewProjection.Study(later, 14, now.AddSeconds(1)),
            StudyViewProjection.Trials(later, later.Trials!.Skip(3), 14), default);
        var since = await reader.TrialsAsync("a", 10, default);
        Assert.Equal(new[] { 3, 4 }, since.Select(t => t.Number));
        Assert.Equal("complete", since[0].State);
        Assert.Equal(5, (await reader.TrialsAsync("a", 0, default)).Count);

        // Rows without their documents, then the documents of the trials chosen among them.
        var rows = await reader.TrialRowsAsync("a", default);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, rows.Select(t => t.Number));
        Assert.All(rows, r => Assert.Equal("", r.Document));
        Assert.Equal(99.0, rows[1].Value);
        Assert.Equal("complete", rows[3].State);
        var chosen = await reader.TrialsAsync("a", new[] { 4, 1, 7 }, default);
        Assert.Equal(new[] { 1, 4 }, chosen.Select(t => t.Number));
        Assert.Equal(2, JsonDocument.Parse(chosen[0].Document).RootElement.GetProperty("intermediate").GetArrayLength());
        Assert.Empty(await reader.TrialsAsync("a", Array.Empty<int>(), default));

        // A coordinator that lost the study to another node writes an older state: it must not replace the newer.
        await writer.WriteAsync(StudyViewProjection.Study(first, 12, now.AddSeconds(2)),
            StudyViewProjection.Trials(first, first.Trials!, 12), default);
        Assert.Equal(14, (await reader.GetAsync("a", default))!.Version);
        Assert.Equal("complete", (await reader.TrialsAsync("a", 0, default))[3].State);

        // A deleted study's views go, with its trials'; the other study's stay; its id can be written again.
        await writer.DeleteAsync("a", default);
        Assert.Null(await reader.GetAsync("a", default));
        Assert.Empty(await reader.TrialsAsync("a", 0, default));
        Assert.Equal(new[] { "b" }, (await reader.ListAsync(default)).Select(s => s.StudyId));
        Assert.NotEmpty(await reader.TrialsAsync("b", 0, default));
        await writer.WriteAsync(StudyViewProjection.Study(first, 1, now),
            StudyViewProjection.Trials(first, first.Trials!, 1), default);
        Assert.Equal(1, (await reader.GetAsync("a", default))!.Version);
    }

    [Fact]
    public async Task Trials_chosen_by_number_are_read_in_chunks_of_bounded_parameters()
    {
        var store = SqlStudyViews.For(Storage, readOnly: false);
        var report = ViewFixtures.Report("big", 1200);
        await store.WriteAsync(StudyViewProjection.Study(report, 1, ViewFixtures.Created),
            StudyViewProjection.Trials(report, report.Trials!, 1), default);
        var wanted = Enumerable.Range(0, 1300).Where(n => n % 3 != 1).ToList();
        var read = await store.TrialsAsync("big", wanted, default);
        Assert.Equal(wanted.Where(n => n <= 1200), read.Select(t => t.Number));
        Assert.All(read, t => Assert.Equal(t.Number, JsonDocument.Parse(t.Document).RootElement.GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task Views_round_trip_through_a_file_of_their_own_and_never_go_back()
    {
        var writer = SqlStudyViews.For(Storage, readOnly: false);
        var reader = SqlStudyViews.For(Storage, readOnly: true);
        Assert.False(await reader.ExistsAsync(default));
        Assert.Empty(await reader.ListAsync(default));
        await RoundTripAsync(reader, writer);
        Assert.True(File.Exists(Path.Combine(_dir, "store.views.db")));
        Assert.False(File.Exists(Path.Combine(_dir, "store.db")));
    }

    [Fact]
    public async Task The_in_memory_views_behave_as_the_sql_ones()
    {
        var views = new InMemoryStudyViews();
        await RoundTripAsync(views, views);
    }

    [Fact]
    public async Task A_reader_never_creates_the_file()
    {
        var reader = SqlStudyViews.For(Storage, readOnly: true);
        Assert.Null(await reader.GetAsync("a", default));
        Assert.Empty(await reader.TrialsAsync("a", 0, default));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task A_damaged_file_gives_one_error_naming_it_at_once()
    {
        var file = Path.Combine(_dir, "store.views.db");
        var garbage = new byte[64 * 1024];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(file, garbage);
        var reader = SqlStudyViews.For(Storage, readOnly: true);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StoreUnreadableException>(() => reader.ListAsync(default));
        Assert.Contains(file, error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        Assert.Equal(garbage, File.ReadAllBytes(file));
    }
}
