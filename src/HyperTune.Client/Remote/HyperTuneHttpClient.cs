using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Studies;

namespace HyperTune.Client.Remote;

/// <summary>
/// A running node's HTTP API from C#: submit, get, list, trials, stop, enqueue, export and watch studies. It reads
/// the same study documents as the CLI and the dashboard, into the same typed reports
/// (<see cref="StudyDocumentReader"/>), so nothing here parses JSON by hand.
/// </summary>
/// <remarks>
/// Errors are typed: <see cref="StudyNotFoundException"/> (404), <see cref="HyperTuneApiException"/> with the status
/// code for other refusals (400 bad input, 401/403 key, 409 refused, 503 starting), and
/// <see cref="NodeUnreachableException"/> when the node does not answer.
/// </remarks>
public sealed class HyperTuneHttpClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of the node at <paramref name="node"/> (e.g. <c>http://10.0.0.5:5080</c>).</summary>
    /// <param name="node">The node's HTTP address.</param>
    /// <param name="apiKey">The node's API key, when it requires one (a read key suffices for reads).</param>
    /// <param name="handler">A handler of your own (TLS settings, proxies, tests); the client disposes it.</param>
    public HyperTuneHttpClient(Uri node, string? apiKey = null, HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new HttpClientHandler())
        {
            BaseAddress = new Uri(node.ToString().TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(90),
        };
        if (apiKey is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>How often <see cref="WatchAsync"/> asks for changes.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Submits a spec (JSON; <see cref="StudyBuilder.ToJson"/> writes one): creates the study, or resumes the stored
    /// one of that name unless <paramref name="fresh"/>. A retry with the same <paramref name="requestId"/> lands on
    /// the same study.
    /// </summary>
    /// <returns>The study as it stands after the submission.</returns>
    public async Task<StudyProtocol.StudyReport> SubmitAsync(string specJson, bool fresh = false, int? maxTrials = null,
        int? parallelism = null, string? requestId = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { $"requestId={Uri.EscapeDataString(requestId ?? Guid.NewGuid().ToString("N"))}" };
        if (fresh) query.Add("fresh=true");
        if (maxTrials is { } m) query.Add($"maxTrials={m}");
        if (parallelism is { } p) query.Add($"parallelism={p}");
        var body = await SendAsync(HttpMethod.Post, "studies?" + string.Join('&', query), specJson, null,
            cancellationToken).ConfigureAwait(false);
        return StudyDocumentReader.Read(body, null);
    }

    /// <summary>A study's report (with every trial when <paramref name="includeTrials"/>).</summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    public async Task<StudyProtocol.StudyReport> GetAsync(string studyId, bool includeTrials = false,
        CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get,
            $"studies/{Uri.EscapeDataString(studyId)}{(includeTrials ? "?trials=true" : "")}", null, studyId,
            cancellationToken).ConfigureAwait(false);
        return StudyDocumentReader.Read(body, null);
    }

    /// <summary>Every study the cluster stores, with its progress and best (no trials).</summary>
    public async Task<IReadOnlyList<StudyProtocol.StudyReport>> ListAsync(CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get, "studies", null, null, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        // A study reserved by a submission that has not created it yet has no progress to show.
        return document.RootElement.GetProperty("studies").EnumerateArray()
            .Where(s => s.TryGetProperty("trials", out _))
            .Select(s => StudyDocumentReader.Read(s.GetRawText(), null)).ToList();
    }

    /// <summary>A study's trials, by number.</summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    public async Task<IReadOnlyList<TrialRecord>> TrialsAsync(string studyId,
        CancellationToken cancellationToken = default) =>
        (await GetAsync(studyId, includeTrials: true, cancellationToken).ConfigureAwait(false)).Trials ?? [];

    /// <summary>Stops a running study; its unfinished trials are cancelled.</summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    public async Task<StudyProtocol.StudyReport> StopAsync(string studyId, string reason = "stopped by a client",
        CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Post,
            $"studies/{Uri.EscapeDataString(studyId)}/stop?reason={Uri.EscapeDataString(reason)}", null, studyId,
            cancellationToken).ConfigureAwait(false);
        return StudyDocumentReader.Read(body, null);
    }

    /// <summary>Holds a running study: nothing new starts until <see cref="ResumeAsync"/>; running trials finish.
    /// </summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    /// <exception cref="HyperTuneApiException">409: the study has finished.</exception>
    public async Task<StudyProtocol.StudyReport> PauseAsync(string studyId, string reason = "paused by a client",
        CancellationToken cancellationToken = default) =>
        StudyDocumentReader.Read(await SendAsync(HttpMethod.Post,
            $"studies/{Uri.EscapeDataString(studyId)}/pause?reason={Uri.EscapeDataString(reason)}", null, studyId,
            cancellationToken).ConfigureAwait(false), null);

    /// <summary>
    /// Has a worker of the cluster refit the study's best trial (an ML.NET study: trained on all training rows,
    /// scored once on the test set, the model saved on the worker's node) and waits until it is done or failed;
    /// a finished study's node does it by itself, so this is for a refit wanted again.
    /// </summary>
    /// <param name="studyId">The study.</param>
    /// <param name="reason">Recorded with the refit.</param>
    /// <param name="pollInterval">How often the study is looked at while the worker trains (default 0.5 s).</param>
    /// <param name="cancellationToken">Stops waiting (the refit goes on).</param>
    /// <returns>The refit: <see cref="RefitStatus.Complete"/> with its test scores and model file, or
    /// <see cref="RefitStatus.Failed"/> with the reason.</returns>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    /// <exception cref="HyperTuneApiException">409: no single best trial, or a trainable that makes no model.
    /// </exception>
    public async Task<StudyRefit> RefitAsync(string studyId, string reason = "asked for by a client",
        TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var report = StudyDocumentReader.Read(await SendAsync(HttpMethod.Post,
            $"studies/{Uri.EscapeDataString(studyId)}/refit?reason={Uri.EscapeDataString(reason)}", null, studyId,
            cancellationToken).ConfigureAwait(false), null);
        while (report.Progress.Refit is { IsFinished: false })
        {
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            report = await GetAsync(studyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return report.Progress.Refit
               ?? throw new HyperTuneApiException(200, $"node answered without a refit for study '{studyId}'");
    }

    /// <summary>Lets a held study go on.</summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    public async Task<StudyProtocol.StudyReport> ResumeAsync(string studyId,
        CancellationToken cancellationToken = default) =>
        StudyDocumentReader.Read(await SendAsync(HttpMethod.Post, $"studies/{Uri.EscapeDataString(studyId)}/resume",
            null, studyId, cancellationToken).ConfigureAwait(false), null);

    /// <summary>
    /// Deletes a finished or stopped study with everything stored for it (journal, views, checkpoint copies); its
    /// id becomes free. Returns how many trials it had.
    /// </summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    /// <exception cref="HyperTuneApiException">409: the study has not finished (stop it first).</exception>
    public async Task<int> DeleteAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Delete, $"studies/{Uri.EscapeDataString(studyId)}", null, studyId,
            cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("trials").GetInt32();
    }

    /// <summary>
    /// Enqueues configurations (parameter name to value) to run next, before the optimizer's own suggestions, each
    /// exactly once; the optimizer learns from their results.
    /// </summary>
    /// <returns>How many enqueued configurations wait to start.</returns>
    /// <exception cref="HyperTuneApiException">400 a configuration outside the space (the message names the
    /// parameter); 409 the study finished or its budget has no room.</exception>
    public async Task<int> EnqueueAsync(string studyId, IEnumerable<IReadOnlyDictionary<string, object>> configurations,
        CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Post, $"studies/{Uri.EscapeDataString(studyId)}/enqueue",
            JsonSerializer.Serialize(configurations), studyId, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("waiting").GetInt32();
    }

    /// <summary>
    /// A study's trials as CSV (Optuna's <c>trials_dataframe</c> columns), as <c>study export --csv</c> gives them.
    /// </summary>
    public async Task<string> ExportCsvAsync(string studyId, CancellationToken cancellationToken = default) =>
        StudyExport.Csv(await GetAsync(studyId, includeTrials: true, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The study's trials as they start and change, until the study finishes (every trial once at first, then each
    /// change), or until <paramref name="cancellationToken"/> is cancelled. It follows the node's read-model event
    /// stream (<c>/api/studies/{id}/events</c>, server-sent events) and fetches only the trials written since the
    /// last change; a node without a read model is asked every <see cref="WatchInterval"/> instead.
    /// </summary>
    /// <exception cref="StudyNotFoundException">No such study.</exception>
    public async IAsyncEnumerable<TrialChange> WatchAsync(string studyId,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var id = Uri.EscapeDataString(studyId);
        // The node's own answer first: an unknown study is a 404 here (the event stream would just stay silent).
        var study = await SendAsync(HttpMethod.Get, $"studies/{id}", null, studyId, cancellationToken)
            .ConfigureAwait(false);
        var seen = new Dictionary<int, string>();
        if (StudyDocumentReader.Read(study, null).Progress.Status == StudyStatus.Finished)
        {
            var all = await SendAsync(HttpMethod.Get, $"studies/{id}?trials=true", null, studyId, cancellationToken)
                .ConfigureAwait(false);
            foreach (var change in Changes(studyId, TrialDocuments(all, "trialList"), seen)) yield return change;
            yield break;
        }
        var since = 0L;
        var followed = true;
        while (followed)
        {
            using var events = await OpenEventsAsync($"api/studies/{id}/events", cancellationToken)
                .ConfigureAwait(false);
            if (events is null) break;
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(cancellationToken)
                .ConfigureAwait(false));
            string? kind = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal)) kind = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].Trim());
                if (line.Length > 0) continue;
                var (eventKind, eventData) = (kind, data.ToString());
                (kind, data) = (null, new StringBuilder());
                // A read model that cannot be read: the node's own answers still can.
                if (eventKind == "store-error")
                {
                    followed = false;
                    break;
                }
                if (eventKind != "study") continue;
                var body = await SendAsync(HttpMethod.Get, $"api/studies/{id}/trials?since={since}", null, studyId,
                    cancellationToken).ConfigureAwait(false);
                using (var trials = JsonDocument.Parse(body)) since = trials.RootElement.GetProperty("version").GetInt64();
                foreach (var change in Changes(studyId, TrialDocuments(body, "trials"), seen)) yield return change;
                using var changed = JsonDocument.Parse(eventData);
                if (changed.RootElement.GetProperty("status").GetString() == "finished") yield break;
            }
            // The stream ended (the node restarts its server, a proxy timed out): connect again, from `since`.
            if (followed) await Task.Delay(WatchInterval, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var body = await SendAsync(HttpMethod.Get, $"studies/{id}?trials=true", null, studyId, cancellationToken)
                .ConfigureAwait(false);
            foreach (var change in Changes(studyId, TrialDocuments(body, "trialList"), seen)) yield return change;
            if (StudyDocumentReader.Read(body, []).Progress.Status == StudyStatus.Finished) yield break;
            await Task.Delay(WatchInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The trial documents in a JSON answer's array <paramref name="property"/>, as written.</summary>
    private static List<string> TrialDocuments(string body, string property)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty(property).EnumerateArray().Select(t => t.GetRawText()).ToList();
    }

    /// <summary>The documents that differ from what this watch already yielded for their trial.</summary>
    private static IEnumerable<TrialChange> Changes(string studyId, IEnumerable<string> documents,
        Dictionary<int, string> seen)
    {
        foreach (var text in documents)
        {
            var trial = StudyDocumentReader.ReadTrial(text);
            if (seen.TryGetValue(trial.Number, out var before) && before == text) continue;
            seen[trial.Number] = text;
            using var document = JsonDocument.Parse(text);
            yield return new TrialChange(studyId, document.RootElement.GetProperty("state").GetString()!, trial);
        }
    }

    /// <summary>
    /// Opens a server-sent event stream; null when the node serves none there (a node without a read model).
    /// </summary>
    private async Task<HttpResponseMessage?> OpenEventsAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException($"cannot reach the node at {_http.BaseAddress}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NodeUnreachableException(
                $"the node at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
        if (response.IsSuccessStatusCode) return response;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        response.Dispose();
        if (status == HttpStatusCode.NotFound) return null;
        throw new HyperTuneApiException((int)status, ErrorOf(body) ?? $"{(int)status} {status}");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpMethod method, string path, string? json, string? studyId,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException($"cannot reach the node at {_http.BaseAddress}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NodeUnreachableException(
                $"the node at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return body;
            var message = ErrorOf(body) ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
            if (response.StatusCode == HttpStatusCode.NotFound && studyId is not null)
                throw new StudyNotFoundException(studyId, message);
            throw new HyperTuneApiException((int)response.StatusCode, message);
        }
    }

    private static string? ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
