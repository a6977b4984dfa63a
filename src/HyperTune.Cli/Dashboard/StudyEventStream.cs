using System.Text;
using Microsoft.AspNetCore.Http;

namespace HyperTune.Cli.Dashboard;

/// <summary>
/// Server-sent events for the dashboard's pages: <c>event: study</c> with <c>{"study", "version", "status",
/// "updatedAt"}</c> for every study whose view is new or changed (all of them right after connecting, then the
/// changes), <c>event: store-error</c> with <c>{"error"}</c> while the store cannot be read, and a comment every
/// 15 s so that proxies keep the connection open. A page fetches what changed itself; the messages stay small.
/// </summary>
internal static class StudyEventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Streams until the client goes away or the server stops.</summary>
    /// <param name="context">The request.</param>
    /// <param name="feed">The shared reads of the study list.</param>
    /// <param name="studyId">Only this study's changes; null for every study.</param>
    /// <param name="stopping">The host is stopping: end the stream rather than hold up the shutdown.</param>
    public static async Task StreamAsync(HttpContext context, StudyChangeFeed feed, string? studyId,
        CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = both.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx) buffer responses unless told not to, which would hold the events back.
        response.Headers["X-Accel-Buffering"] = "no";
        var (reads, subscription) = feed.Subscribe();
        using (subscription)
        {
            var sent = new Dictionary<string, long>(StringComparer.Ordinal);
            string? lastError = null;
            try
            {
                await WriteAsync(response, "retry: 2000\n\n", ct);
                while (!ct.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    wait.CancelAfter(KeepAlive);
                    StudyListSnapshot snapshot;
                    try
                    {
                        snapshot = await reads.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await WriteAsync(response, ": keep-alive\n\n", ct);
                        continue;
                    }
                    await WriteAsync(response, Messages(snapshot, studyId, sent, ref lastError), ct);
                }
            }
            catch (OperationCanceledException)
            {
                // The page was closed or the server is stopping: the stream just ends.
            }
        }
    }

    /// <summary>The messages a snapshot makes for one stream, given what that stream already sent.</summary>
    private static string Messages(StudyListSnapshot snapshot, string? studyId, Dictionary<string, long> sent,
        ref string? lastError)
    {
        var text = new StringBuilder();
        if (snapshot.Error is { } error)
        {
            // Once per distinct error, not at every read.
            if (error != lastError)
                text.Append("event: store-error\ndata: ").Append(DashboardJson.Error(error)).Append("\n\n");
            lastError = error;
            return text.ToString();
        }
        lastError = null;
        foreach (var study in snapshot.Studies!)
        {
            if (studyId is not null && study.StudyId != studyId) continue;
            if (sent.TryGetValue(study.StudyId, out var version) && version == study.Version) continue;
            sent[study.StudyId] = study.Version;
            text.Append("event: study\ndata: ").Append(DashboardJson.Change(study)).Append("\n\n");
        }
        return text.ToString();
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        if (text.Length == 0) return;
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }
}
