using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Registry;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Specs;
using HyperTune.Trainables;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;
using static HyperTune.Cluster.Studies.StudyProtocol;

namespace HyperTune.Cluster.Client;

/// <summary>
/// Submits and follows studies through a node this process runs (embedded, or a member of a cluster). The
/// operations are plain async methods, so the CLI, the HTTP API and C# programs share them.
/// </summary>
public sealed class HyperTuneClient
{
    private readonly HyperTuneNode _node;
    private readonly TimeSpan _timeout;

    // One attempt's wait. While a study's coordinator moves to another node (its node crashed), a message sent to
    // the old location is lost; asking again, briefly, reaches the new one as soon as it is up.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>Creates a client over a started node.</summary>
    public HyperTuneClient(HyperTuneNode node, TimeSpan? timeout = null)
    {
        _node = node;
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>
    /// Asks with short attempts until one is answered or the overall timeout passes, taking the first answer of any
    /// attempt (<see cref="RetryingAsk"/>). Only for idempotent requests (every request this client makes is: a
    /// reservation repeats with its request id, resubmitting resumes).
    /// </summary>
    private async Task<T> AskAsync<T>(IActorRef target, object message, CancellationToken cancellationToken, TimeSpan? attemptTimeout = null)
    {
        try
        {
            return await RetryingAsk.AskAsync<T>(_node.System, target, message, attemptTimeout ?? AttemptTimeout,
                _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException($"no answer from the cluster within {_timeout.TotalSeconds:0}s " +
                                       "(is a node with the coordinator role up?)", e);
        }
    }

    /// <summary>
    /// Validates a spec and submits it. The registry chooses the study first and lists it (so a submission that
    /// times out afterwards is still visible in the list): the latest study registered under the spec's name (so
    /// submitting the same spec again resumes it) unless <paramref name="fresh"/> asks for a new study, or none
    /// exists yet; or <paramref name="studyId"/> when given. A retry with the same <paramref name="requestId"/>
    /// (any string a client chooses once per submission; one is made up when null) goes to the same study and
    /// reports it as created again if the first attempt created it. Returns the coordinator's answer.
    /// </summary>
    /// <exception cref="SpecException">
    /// The spec, study id or request id is invalid, or the spec is beyond the node's <c>hypertune.limits</c>
    /// (nothing is stored).
    /// </exception>
    /// <exception cref="StudyRejectedException">The registry or the coordinator refused the study.</exception>
    public async Task<StudySubmitted> SubmitAsync(string specJson, bool fresh = false, BudgetOverride? budget = null,
        string? studyId = null, string? requestId = null, CancellationToken cancellationToken = default,
        string? enqueueJson = null)
    {
        // The node's limits first: an oversized or pathological spec is refused before any cluster round trip.
        var spec = StudySpecParser.Parse(specJson, _node.Limits);
        // The trainable and its scheduler together (a pausing scheduler needs a trainable that resumes; the
        // trainable's step count is the scheduler's default maxResource): refused before anything is reserved.
        StudyDecider.CheckTrainable(spec);
        if (studyId is not null && !StudySpecParser.IsValidName(studyId))
            throw new SpecException("studyId", $"'{studyId}' is not a valid study id");
        if (requestId is not null && !IsValidRequestId(requestId))
            throw new SpecException("requestId", $"must be 1 to {MaxRequestIdLength} printable ASCII characters");
        requestId ??= Guid.NewGuid().ToString("N");
        var reserve = new ReserveStudy(spec.Name, fresh, studyId, requestId);
        var reservation = await AskAsync<object>(_node.Registry, reserve, cancellationToken).ConfigureAwait(false);
        var reserved = reservation switch
        {
            ReservedStudy r => r,
            ReservationRefused refused => throw new StudyRejectedException(refused.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {reservation}"),
        };
        var id = reserved.Study.StudyId;
        var submit = new SubmitStudy(id, specJson, budget) { EnqueueJson = enqueueJson };
        var answer = await AskAsync<object>(_node.Studies, submit, cancellationToken,
            // Longer attempts: a retried submission still works, but would report a new study as resumed.
            attemptTimeout: TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        switch (answer)
        {
            case StudySubmitted submitted:
                // Attempts sharing a request id may reach the coordinator in any order: each reports the study as
                // created when the request reserved it.
                return reserved.IsNew && !submitted.Created ? submitted with { Created = true } : submitted;
            case StudyRejected rejected:
                if (reserved.IsNew && !reserved.Repeated)
                    await ReleaseUnlessCreatedAsync(id, requestId, cancellationToken).ConfigureAwait(false);
                throw new StudyRejectedException(rejected.Reason);
            default:
                throw new InvalidOperationException($"unexpected answer {answer}");
        }
    }

    /// <summary>
    /// Takes a refused submission's reservation off the list, unless its study exists after all (another submission
    /// of the same name, which found the reservation, may have created it with its own spec).
    /// </summary>
    private async Task ReleaseUnlessCreatedAsync(string studyId, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await GetListedAsync(studyId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing is not null) return;
            await AskAsync<ReservationReleased>(_node.Registry, new ReleaseStudy(studyId, requestId), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or StudyRejectedException)
        {
            // The refusal is the answer; an unreleased reservation only lists the id as reserved.
        }
    }

    /// <summary>The longest request id a submission may carry.</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>True for 1 to <see cref="MaxRequestIdLength"/> printable ASCII characters.</summary>
    public static bool IsValidRequestId(string requestId) =>
        requestId.Length is > 0 and <= MaxRequestIdLength && requestId.All(c => c is > ' ' and <= '~');

    /// <summary>
    /// A study's progress and, optionally, its trials; null when no such study is listed. Unlisted ids are answered
    /// by the registry alone: starting a coordinator for them would write the start to the remember-entities store.
    /// </summary>
    public async Task<StudyReport?> GetAsync(string studyId, bool includeTrials = false,
        CancellationToken cancellationToken = default) =>
        await IsListedAsync(studyId, cancellationToken).ConfigureAwait(false)
            ? await GetListedAsync(studyId, includeTrials, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Like <see cref="GetAsync"/> for an id known to be listed (skips asking the registry).</summary>
    public async Task<StudyReport?> GetListedAsync(string studyId, bool includeTrials = false,
        CancellationToken cancellationToken = default)
    {
        var answer = await AskAsync<object>(_node.Studies, new GetStudy(studyId, includeTrials), cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            StudyReport report => report,
            StudyNotFound => null,
            StudyRejected r => throw new StudyRejectedException(r.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {answer}"),
        };
    }

    private async Task<bool> IsListedAsync(string studyId, CancellationToken cancellationToken) =>
        (await AskAsync<FoundStudy>(_node.Registry, new FindStudy(studyId), cancellationToken).ConfigureAwait(false))
        .Study is not null;

    /// <summary>Every study registered in the cluster.</summary>
    public async Task<IReadOnlyList<StudyEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<StudyList>(_node.Registry, new ListStudies(), cancellationToken).ConfigureAwait(false)).Studies;

    /// <summary>Stops a running study.</summary>
    public Task<StudyReport> StopAsync(string studyId, string reason, CancellationToken cancellationToken = default) =>
        ReportAsync(studyId, new StopStudy(studyId, reason), cancellationToken);

    /// <summary>Holds a running study (nothing new starts until <see cref="ResumeAsync"/>); its running trials finish.
    /// </summary>
    /// <exception cref="StudyRejectedException">No such study, or it has finished.</exception>
    public Task<StudyReport> PauseAsync(string studyId, string reason, CancellationToken cancellationToken = default) =>
        ReportAsync(studyId, new PauseStudy(studyId, reason), cancellationToken);

    /// <summary>
    /// Refits the study's best trial on a worker now (its report's progress then carries the refit, waiting or
    /// running; watch or poll it until it completes).
    /// </summary>
    /// <exception cref="StudyRejectedException">No such study, no single best trial, or a trainable that makes no
    /// model.</exception>
    public Task<StudyReport> RefitAsync(string studyId, string reason, CancellationToken cancellationToken = default) =>
        ReportAsync(studyId, new RefitStudy(studyId, reason), cancellationToken);

    /// <summary>Lets a held study go on.</summary>
    /// <exception cref="StudyRejectedException">No such study.</exception>
    public Task<StudyReport> ResumeAsync(string studyId, CancellationToken cancellationToken = default) =>
        ReportAsync(studyId, new ResumeStudy(studyId), cancellationToken);

    /// <summary>The spec a study was created from (as submitted, its paths resolved); null when no such study.
    /// </summary>
    public async Task<string?> GetSpecAsync(string studyId, CancellationToken cancellationToken = default)
    {
        if (!await IsListedAsync(studyId, cancellationToken).ConfigureAwait(false)) return null;
        var answer = await AskAsync<object>(_node.Studies, new GetStudySpec(studyId), cancellationToken)
            .ConfigureAwait(false);
        return answer switch
        {
            StudySpecText spec => spec.SpecJson,
            StudyNotFound => null,
            StudyRejected r => throw new StudyRejectedException(r.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {answer}"),
        };
    }

    /// <summary>
    /// Deletes a finished (or stopped) study: its journal, snapshots and read-model views, the checkpoint copies this
    /// node can reach, then its registry entry (its id becomes free). Returns how many trials it had.
    /// </summary>
    /// <exception cref="StudyRejectedException">No such study, it has not finished, or the store is read-only.
    /// </exception>
    public async Task<StudyDeleted> DeleteAsync(string studyId, CancellationToken cancellationToken = default)
    {
        if (!await IsListedAsync(studyId, cancellationToken).ConfigureAwait(false))
            throw new StudyRejectedException($"no study '{studyId}'");
        var answer = await AskAsync<object>(_node.Studies, new DeleteStudy(studyId), cancellationToken)
            .ConfigureAwait(false);
        var deleted = answer switch
        {
            StudyDeleted d => d,
            StudyRejected r => throw new StudyRejectedException(r.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {answer}"),
        };
        // The journal is gone: from here on the study is deleted, and what follows only tidies up after it (a
        // failure leaves it listed as reserved, and deleting it again finishes).
        await _node.DeleteCheckpointsAsync(studyId, cancellationToken).ConfigureAwait(false);
        await AskAsync<StudyUnlisted>(_node.Registry, new ForgetStudy(studyId), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private async Task<StudyReport> ReportAsync(string studyId, object command, CancellationToken cancellationToken)
    {
        if (!await IsListedAsync(studyId, cancellationToken).ConfigureAwait(false))
            throw new StudyRejectedException($"no study '{studyId}'");
        var answer = await AskAsync<object>(_node.Studies, command, cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            StudyReport report => report,
            StudyNotFound => throw new StudyRejectedException($"no study '{studyId}'"),
            StudyRejected r => throw new StudyRejectedException(r.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {answer}"),
        };
    }

    /// <summary>
    /// Enqueues configurations (JSON: an object or an array of objects) to run next, before the optimizer's own.
    /// </summary>
    /// <exception cref="StudyRejectedException">No such study, or it cannot take them (finished, budget full).
    /// </exception>
    /// <exception cref="Core.Specs.SpecException">The configurations are not in the study's space.</exception>
    public async Task<TrialsEnqueued> EnqueueAsync(string studyId, string paramsJson,
        CancellationToken cancellationToken = default)
    {
        if (!await IsListedAsync(studyId, cancellationToken).ConfigureAwait(false))
            throw new StudyRejectedException($"no study '{studyId}'");
        var answer = await AskAsync<object>(_node.Studies, new EnqueueTrials(studyId, paramsJson), cancellationToken)
            .ConfigureAwait(false);
        return answer switch
        {
            TrialsEnqueued enqueued => enqueued,
            EnqueueRefused refused => throw new Core.Specs.SpecException("", refused.Reason),
            StudyNotFound => throw new StudyRejectedException($"no study '{studyId}'"),
            StudyRejected r => throw new StudyRejectedException(r.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {answer}"),
        };
    }

    /// <summary>
    /// Progress updates of a study as they happen, ending after the update that reports it finished (or when
    /// cancelled). A coordinator that moves to another node is followed: the subscription is renewed.
    /// </summary>
    public async IAsyncEnumerable<StudyProgress> WatchAsync(string studyId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<StudyProgress>(new UnboundedChannelOptions { SingleReader = true });
        var watcher = _node.System.ActorOf(Props.Create(() => new ProgressForwarder(_node.Studies, studyId, channel.Writer)));
        try
        {
            await foreach (var progress in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return progress;
                if (progress.Status == StudyStatus.Finished) yield break;
            }
        }
        finally
        {
            watcher.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>Subscribes to a study and writes its updates to a channel; re-subscribes periodically so it survives a coordinator moving.</summary>
    private sealed class ProgressForwarder : ReceiveActor, IWithTimers
    {
        private sealed record Resubscribe;

        private readonly IActorRef _studies;
        private readonly string _studyId;

        public ProgressForwarder(IActorRef studies, string studyId, ChannelWriter<StudyProgress> writer)
        {
            _studies = studies;
            _studyId = studyId;
            Receive<StudyProgress>(p => writer.TryWrite(p));
            Receive<StudyNotFound>(_ => writer.TryComplete(new StudyRejectedException($"no study '{studyId}'")));
            Receive<StudyRejected>(r => writer.TryComplete(new StudyRejectedException(r.Reason)));
            Receive<Resubscribe>(_ => studies.Tell(new WatchStudy(studyId, Self)));
        }

        protected override void PreStart()
        {
            _studies.Tell(new WatchStudy(_studyId, Self));
            Timers.StartPeriodicTimer("resubscribe", new Resubscribe(), TimeSpan.FromSeconds(5));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }
}
