using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Processes;
using static HyperTune.Cluster.Studies.StudyProtocol;

namespace HyperTune.Cluster.Api;

/// <summary>
/// The operations a node serves to operators (submit, show, list, stop studies; show the cluster), as
/// transport-independent handlers: each returns a status code and a JSON body. The HTTP API maps routes onto them;
/// other transports can do the same.
/// </summary>
public sealed class StudyApi
{
    private readonly HyperTuneNode _node;
    private readonly HyperTuneClient _client;
    private readonly ProcessCommandPolicy _processCommands;
    private readonly Trainables.MlNet.DataRootPolicy _dataRoots;
    private readonly Trainables.Assemblies.AssemblyPolicy _assemblies;

    /// <summary>Creates the handlers for a node.</summary>
    public StudyApi(HyperTuneNode node)
    {
        _node = node;
        _client = new HyperTuneClient(node);
        _processCommands = Workers.ProcessCommands.From(node.System.Settings.Config);
        _dataRoots = Workers.MlNetDataRoots.From(node.System.Settings.Config);
        _assemblies = Workers.UserAssemblies.From(node.System.Settings.Config);
    }

    /// <summary>
    /// Submits a spec (201 created, 200 resumed, 400 invalid spec, 403 a process command this node does not allow,
    /// 409 refused, 503 no answer in time). A retry with the same <paramref name="requestId"/> answers for the same
    /// study (201 again when the first attempt created it).
    /// </summary>
    public async Task<ApiResponse> SubmitAsync(string specJson, bool fresh, int? parallelism, int? maxTrials,
        CancellationToken cancellationToken, string? requestId = null)
    {
        try
        {
            // Size first, before anything reads the text (the rest of hypertune.limits applies while it is parsed).
            StudySpecParser.CheckSize(specJson, _node.Limits);
            if (parallelism is < 1) throw new SpecException("parallelism", "must be at least 1");
            if (maxTrials is < 1) throw new SpecException("maxTrials", "must be at least 1");
            if (TrainableRefusal(specJson) is { } refusal) return ApiResponse.Error(403, refusal);
            var budget = parallelism is null && maxTrials is null ? null : new BudgetOverride(maxTrials, parallelism);
            var submitted = await _client.SubmitAsync(specJson, fresh, budget, requestId: requestId,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var json = StudyJson.ToJson(new StudyReport(submitted.Progress, null), includeTrials: false, indented: false);
            // Prefix "created" so a client sees at once whether the study is new or resumed.
            json = "{\"created\":" + (submitted.Created ? "true" : "false") + "," + json[1..];
            return new ApiResponse(submitted.Created ? 201 : 200, json);
        }
        catch (SpecException e)
        {
            return ApiResponse.Error(400, $"invalid spec: {e.Message}");
        }
        catch (StudyRejectedException e)
        {
            return ApiResponse.Error(409, e.Message);
        }
        catch (TimeoutException e)
        {
            // The study may have been reserved (it is then in the list): a retry with the request id finds it.
            return ApiResponse.Error(503,
                $"{e.Message}; the study may have been reserved: retry with the same requestId");
        }
    }

    // Checked before anything is stored: a refused spec leaves no study behind. Only the trainable is looked at (one
    // linear pass over the JSON, read as the spec parser reads it), so the check costs nothing whatever the search
    // space. A name given twice is checked in every occurrence, so no duplicate slips a command, a data file or an
    // assembly past the check; a malformed spec is left to the full validation, which names the problem. A process
    // may start only an allowed program, an ML.NET trainable read only allowed folders, an assembly trainable load
    // only an allowed file (never loaded here: Create checks fields only).
    private string? TrainableRefusal(string specJson)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(specJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var trainable in Named(doc.RootElement, "trainable").Where(t => t.ValueKind == JsonValueKind.Object))
            {
                if (Named(trainable, "type").Any(t => t.ValueKind == JsonValueKind.String && string.Equals(t.GetString(), "process", StringComparison.OrdinalIgnoreCase)))
                {
                    foreach (var command in Named(trainable, "command").Where(c => c.ValueKind == JsonValueKind.String))
                        if (_processCommands.Refusal(command.GetString()!) is { } refusal)
                            return refusal;
                    continue;
                }
                Trainables.ITrainable checkedFields;
                try
                {
                    checkedFields = Trainables.TrainableFactory.Create(TrainableSpec.FromJson(trainable.GetRawText()), space: null);
                }
                catch (SpecException)
                {
                    continue;
                }
                if (checkedFields is Trainables.MlNet.MlNetTrainable learner && _dataRoots.Refusal(learner) is { } dataRefusal)
                    return dataRefusal;
                if (checkedFields is Trainables.Assemblies.AssemblyTrainableReference reference
                    && _assemblies.Refusal(reference.Path) is { } assemblyRefusal)
                    return assemblyRefusal;
            }
            return null;
        }

        static IEnumerable<JsonElement> Named(JsonElement obj, string name) =>
            obj.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.Ordinal)).Select(p => p.Value);
    }

    /// <summary>A study's status, counts and best trial (200), optionally with every trial; 404 when unknown.</summary>
    public async Task<ApiResponse> GetAsync(string studyId, bool includeTrials, CancellationToken cancellationToken)
    {
        try
        {
            var report = await _client.GetAsync(studyId, includeTrials, cancellationToken).ConfigureAwait(false);
            return report is null
                ? ApiResponse.Error(404, $"no study '{studyId}'")
                : new ApiResponse(200, StudyJson.ToJson(report, includeTrials, indented: false));
        }
        catch (StudyRejectedException e)
        {
            return ApiResponse.Error(409, e.Message);
        }
    }

    /// <summary>
    /// Every registered study with its status and counts, from the read model (it lags the coordinators by up to
    /// <c>hypertune.study.view-interval</c>; a study without a view yet is asked directly, which wakes it); a study
    /// listed by a submission that has not created it (yet: it timed out, or is under way) shows as <c>reserved</c>.
    /// </summary>
    public async Task<ApiResponse> ListAsync(CancellationToken cancellationToken)
    {
        var entries = await _client.ListAsync(cancellationToken).ConfigureAwait(false);
        var views = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (_node.Views is { } reader)
                foreach (var view in await reader.ListAsync(cancellationToken).ConfigureAwait(false))
                    views[view.StudyId] = view.Document;
        }
        catch (Views.StoreUnreadableException e)
        {
            // The journal may still answer: ask the coordinators instead.
            _node.System.Log.Warning("listing studies from the read model failed, asking coordinators: {0}", e.Message);
        }
        var reports = await Task.WhenAll(entries.Select(async e =>
        {
            if (views.ContainsKey(e.StudyId)) return (Report: (StudyReport?)null, Status: "viewed");
            try
            {
                var report = await _client.GetListedAsync(e.StudyId, cancellationToken: cancellationToken).ConfigureAwait(false);
                return (Report: report, Status: "reserved");
            }
            catch (StudyRejectedException)
            {
                return (Report: (StudyReport?)null, Status: "unloadable");
            }
        })).ConfigureAwait(false);
        var sb = new StringBuilder("{\"studies\":[");
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(views.TryGetValue(entries[i].StudyId, out var document) ? document
                : reports[i].Report is { } r
                ? StudyJson.ToJson(r, includeTrials: false, indented: false)
                : JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["study"] = entries[i].StudyId,
                    ["status"] = reports[i].Status,
                }));
        }
        return new ApiResponse(200, sb.Append("]}").ToString());
    }

    /// <summary>
    /// Enqueues configurations to run next (200 with the count; 400 not in the study's space; 404 unknown study;
    /// 409 the study cannot take them: finished, or its budget is full).
    /// </summary>
    public async Task<ApiResponse> EnqueueAsync(string studyId, string paramsJson, CancellationToken cancellationToken)
    {
        try
        {
            var done = await _client.EnqueueAsync(studyId, paramsJson, cancellationToken).ConfigureAwait(false);
            return new ApiResponse(200, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["study"] = studyId,
                ["enqueued"] = done.Enqueued,
                ["waiting"] = done.Waiting,
            }));
        }
        catch (SpecException e)
        {
            return ApiResponse.Error(400, e.Message);
        }
        catch (StudyRejectedException e)
        {
            return Refused(e);
        }
    }

    /// <summary>Stops a study (200 with its report; 404 when unknown; 409 when refused).</summary>
    public Task<ApiResponse> StopAsync(string studyId, string reason, CancellationToken cancellationToken) =>
        ReportAsync(() => _client.StopAsync(studyId, reason, cancellationToken));

    /// <summary>
    /// Holds a running study: nothing new starts until it is resumed (200 with its report, status "paused"; 404
    /// unknown; 409 finished).
    /// </summary>
    public Task<ApiResponse> PauseAsync(string studyId, string reason, CancellationToken cancellationToken) =>
        ReportAsync(() => _client.PauseAsync(studyId, reason, cancellationToken));

    /// <summary>
    /// Refits the study's best trial on a worker (200 with its report, whose <c>refit</c> says where the refit is;
    /// 404 unknown; 409 refused: no single best trial, a trainable that makes no model).
    /// </summary>
    public Task<ApiResponse> RefitAsync(string studyId, string reason, CancellationToken cancellationToken) =>
        ReportAsync(() => _client.RefitAsync(studyId, reason, cancellationToken));

    /// <summary>Lets a held study go on (200 with its report; 404 unknown).</summary>
    public Task<ApiResponse> ResumeAsync(string studyId, CancellationToken cancellationToken) =>
        ReportAsync(() => _client.ResumeAsync(studyId, cancellationToken));

    /// <summary>The spec a study was created from (200 with the spec's JSON; 404 unknown).</summary>
    public async Task<ApiResponse> SpecAsync(string studyId, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetSpecAsync(studyId, cancellationToken).ConfigureAwait(false) is { } spec
                ? new ApiResponse(200, spec)
                : ApiResponse.Error(404, $"no study '{studyId}'");
        }
        catch (StudyRejectedException e)
        {
            return ApiResponse.Error(409, e.Message);
        }
    }

    /// <summary>
    /// Deletes a finished or stopped study with its journal, views and checkpoint copies (200 with
    /// <c>{"study": ID, "deleted": true, "trials": N}</c>; 404 unknown; 409 still running or read-only).
    /// </summary>
    public async Task<ApiResponse> DeleteAsync(string studyId, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await _client.DeleteAsync(studyId, cancellationToken).ConfigureAwait(false);
            var body = new System.Text.Json.Nodes.JsonObject
            {
                ["study"] = deleted.StudyId,
                ["deleted"] = true,
                ["trials"] = deleted.Trials,
            };
            return new ApiResponse(200, body.ToJsonString());
        }
        catch (StudyRejectedException e)
        {
            return Refused(e);
        }
    }

    /// <summary>A refusal as the API answers it: 404 for a study that does not exist, 409 otherwise.</summary>
    private static ApiResponse Refused(StudyRejectedException e) =>
        ApiResponse.Error(e.Message.StartsWith("no study", StringComparison.Ordinal) ? 404 : 409, e.Message);

    private static async Task<ApiResponse> ReportAsync(Func<Task<StudyReport>> command)
    {
        try
        {
            var report = await command().ConfigureAwait(false);
            return new ApiResponse(200, StudyJson.ToJson(report, includeTrials: false, indented: false));
        }
        catch (StudyRejectedException e)
        {
            return Refused(e);
        }
    }

    /// <summary>
    /// This node's view of the cluster: members, their status, roles and reachability, the leader, and for worker
    /// nodes their slots and the trials running there (as last published; 0 until a node's load is known).
    /// </summary>
    public async Task<ApiResponse> ClusterStateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Workers.WorkerNode> workers = Array.Empty<Workers.WorkerNode>();
        try
        {
            var directory = _node.System.ActorSelection("/user/worker-directory");
            var probe = await directory.Ask<Workers.WorkerDirectory.WorkerNodesChanged>(
                new Workers.WorkerDirectory.GetWorkerNodes(), TimeSpan.FromSeconds(2), cancellationToken)
                .ConfigureAwait(false);
            workers = probe.Nodes;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            // Members are still worth showing without their load.
        }
        return ClusterState(workers);
    }

    /// <summary>Members as in <see cref="ClusterStateAsync"/>, with the given worker nodes' slots.</summary>
    public ApiResponse ClusterState(IReadOnlyList<Workers.WorkerNode>? workers = null)
    {
        var cluster = Akka.Cluster.Cluster.Get(_node.System);
        var state = cluster.State;
        var byKey = (workers ?? Array.Empty<Workers.WorkerNode>()).ToDictionary(w => w.NodeKey, StringComparer.Ordinal);
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("self", cluster.SelfAddress.ToString());
            w.WriteString("leader", state.Leader?.ToString());
            w.WriteStartArray("members");
            foreach (var m in state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("address", m.Address.ToString());
                w.WriteString("status", m.Status.ToString());
                w.WriteBoolean("reachable", !unreachable.Contains(m.Address));
                w.WriteStartArray("roles");
                foreach (var role in m.Roles.OrderBy(r => r, StringComparer.Ordinal)) w.WriteStringValue(role);
                w.WriteEndArray();
                if (byKey.TryGetValue(Workers.NodeKey.Of(m.UniqueAddress), out var worker))
                {
                    w.WriteNumber("slots", worker.Slots);
                    w.WriteNumber("slotsInUse", worker.BusyByStudy.Values.Sum());
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return new ApiResponse(200, Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// Asks a member to leave the cluster gracefully (its shards and trials are handed over), or downs it (for a
    /// member that is gone and will not come back): 202 accepted, 400 a malformed address, 404 no such member.
    /// <paramref name="address"/> is a member's address as <c>cluster show</c> prints it, or its <c>host:port</c>.
    /// </summary>
    public ApiResponse RemoveMember(string address, bool down)
    {
        var cluster = Akka.Cluster.Cluster.Get(_node.System);
        var members = cluster.State.Members.Select(m => m.Address).ToList();
        var match = members.Where(a => a.ToString() == address || $"{a.Host}:{a.Port}" == address).ToList();
        if (string.IsNullOrWhiteSpace(address) || address.Contains(' '))
            return ApiResponse.Error(400,
                $"'{address}' is not a member address (akka.tcp://SYSTEM@HOST:PORT or HOST:PORT)");
        if (match.Count != 1)
            return ApiResponse.Error(404, $"no member at '{address}'; members: {string.Join(", ", members)}");
        if (down) cluster.Down(match[0]);
        else cluster.Leave(match[0]);
        return new ApiResponse(202, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["member"] = match[0].ToString(),
            ["action"] = down ? "down" : "leave",
        }));
    }

    /// <summary>
    /// 200 while this node is an Up member of its cluster, 503 otherwise; the body also says whether its storage
    /// answers (<c>"storage": "unreachable since ..."</c>), which does not change the code: the process is alive.
    /// </summary>
    public ApiResponse Health()
    {
        var cluster = Akka.Cluster.Cluster.Get(_node.System);
        var up = cluster.SelfMember.Status == MemberStatus.Up;
        return new ApiResponse(up ? 200 : 503, HealthJson(cluster, _node.Storage.Current, reason: null));
    }

    /// <summary>
    /// For orchestrators: 200 when this node is Up and its storage answers (or it uses none), 503 with the reason
    /// otherwise.
    /// </summary>
    public ApiResponse Ready()
    {
        var cluster = Akka.Cluster.Cluster.Get(_node.System);
        var storage = _node.Storage.Current;
        var reason = cluster.SelfMember.Status != MemberStatus.Up ? $"this node is {cluster.SelfMember.Status}, not Up"
            : !storage.Reachable ? $"storage {storage.Describe()}"
            : null;
        return new ApiResponse(reason is null ? 200 : 503, HealthJson(cluster, storage, reason));
    }

    private static string HealthJson(Akka.Cluster.Cluster cluster, StorageStatus storage, string? reason)
    {
        var fields = new Dictionary<string, string>
        {
            ["status"] = cluster.SelfMember.Status.ToString(),
            ["address"] = cluster.SelfAddress.ToString(),
            ["storage"] = storage.Describe(),
        };
        if (reason is not null) fields["error"] = reason;
        return JsonSerializer.Serialize(fields);
    }
}
