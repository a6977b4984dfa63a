using System.Text.Json.Nodes;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;
using HyperTune.LocalCluster;

namespace HyperTune.Integration.Tests;

/// <summary>
/// The read model of a finished study, as `study list`, the dashboards and `GET /studies` read it, must match the
/// coordinator's final answer, whatever coordinators were killed on the way.
/// </summary>
internal static class ReadModelCheck
{
    /// <summary>Waits (up to 20 s: views are written at most once a second) for the views to show the final state.
    /// </summary>
    public static async Task AssertMatchesAsync(PostgresServer db, string studyId, JsonNode final)
    {
        var storage = StorageSpec.Parse(db.StorageOption);
        var views = SqlStudyViews.For(storage, readOnly: true);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        StudyView? study;
        long? journal;
        do
        {
            study = await views.GetAsync(studyId, default);
            journal = await JournalPosition.LastAsync(storage, studyId, default);
            if (study is { Status: "finished" } && study.Version == journal) break;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.NotNull(study);
        Assert.Equal("finished", study.Status);
        Assert.Equal(journal, study.Version);
        var document = JsonNode.Parse(study.Document)!;
        Assert.Equal(final["trials"]!.ToJsonString(), document["trials"]!.ToJsonString());
        Assert.Equal(final["best"]?["number"]?.ToJsonString(), document["best"]?["number"]?.ToJsonString());

        var trials = await views.TrialsAsync(studyId, 0, default);
        var expected = final["trialList"]!.AsArray();
        Assert.Equal(expected.Count, trials.Count);
        foreach (var t in expected)
        {
            var view = trials.Single(v => v.Number == (int)t!["number"]!);
            Assert.Equal((string?)t!["state"], view.State);
            Assert.Equal(t["value"] is JsonValue v ? (double?)v : null, view.Value);
            Assert.True(view.Version <= study.Version, $"trial {view.Number}'s view is newer than its study's");
        }
    }

    /// <summary>A deleted study has no views, and its journal only the row that keeps its sequence number, marked
    /// deleted.</summary>
    public static async Task AssertDeletedAsync(PostgresServer db, string studyId)
    {
        var storage = StorageSpec.Parse(db.StorageOption);
        var views = SqlStudyViews.For(storage, readOnly: true);
        Assert.Null(await views.GetAsync(studyId, default));
        Assert.Empty(await views.TrialsAsync(studyId, 0, default));
        Assert.DoesNotContain(studyId, (await views.ListAsync(default)).Select(v => v.StudyId));
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FILTER (WHERE NOT deleted), COUNT(*) FROM journal WHERE persistence_id = @id";
        command.Parameters.AddWithValue("id", $"study-{studyId}");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((0L, 1L), (reader.GetInt64(0), reader.GetInt64(1)));
    }
}
