using System.Globalization;
using System.Text.Json.Nodes;
using HyperTune.LocalCluster;

namespace HyperTune.Integration.Tests;

/// <summary>
/// A study's events as its coordinators wrote them to the journal table (JSON under stable manifests, see
/// docs/cluster.md "Journal format"): the record a test checks bookkeeping against, rather than a document
/// derived from it.
/// </summary>
public sealed class StudyJournal
{
    private StudyJournal(IReadOnlyList<(long Sequence, string Kind, JsonObject Body)> events) => Events = events;

    /// <summary>
    /// Events in sequence order; <c>Kind</c> is the manifest without its version (<c>trial-reported</c>).
    /// </summary>
    public IReadOnlyList<(long Sequence, string Kind, JsonObject Body)> Events { get; }

    /// <summary>Reads every event of study <paramref name="studyId"/>.</summary>
    public static async Task<StudyJournal> ReadAsync(PostgresServer db, string studyId)
    {
        var rows = await db.QueryAsync(
            "SELECT sequence_number, manifest, convert_from(message, 'UTF8') FROM journal " +
            $"WHERE persistence_id = 'study-{studyId}' ORDER BY sequence_number");
        var events = rows.Select(r =>
        {
            var manifest = (string)r[1]!;
            var dot = manifest.LastIndexOf('.');
            var body = JsonNode.Parse((string)r[2]!)!.AsObject();
            return (Convert.ToInt64(r[0]), dot > 0 ? manifest[..dot] : manifest, body);
        }).ToList();
        return new StudyJournal(events);
    }

    /// <summary>The events about trial <paramref name="number"/>, in order.</summary>
    public List<(long Sequence, string Kind, JsonObject Body)> Of(int number) =>
        Events.Where(e => e.Kind.StartsWith("trial-", StringComparison.Ordinal) && (int?)e.Body["number"] == number)
            .ToList();

    /// <summary>The steps and values recorded for a trial (<c>trial-reported</c>), in order.</summary>
    public IReadOnlyList<(long Step, double Value)> Reports(int number) =>
        Of(number).Where(e => e.Kind == "trial-reported")
            .Select(e => ((long)e.Body["step"]!, (double)e.Body["value"]!)).ToList();

    /// <summary>The <c>at</c> time of an event.</summary>
    public static DateTimeOffset At(JsonObject body) =>
        DateTimeOffset.Parse((string)body["at"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
