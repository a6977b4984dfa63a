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
    /// Asks with short attempts until one is answered or the overall timeout passes. Only for idempotent requests
    /// (every request this client makes is: resubmitting a spec resumes, registering twice registers once).
    /// </summary>
    private async Task<T> AskAsync<T>(IActorRef target, object message, CancellationToken cancellationToken, TimeSpan? attemptTimeout = null)
    {
        var deadline = DateTime.UtcNow + _timeout;
        var each = attemptTimeout ?? AttemptTimeout;
        while (true)
        {
            var attempt = DateTime.UtcNow + each < deadline ? each : deadline - DateTime.UtcNow;
            try
            {
                return await target.Ask<T>(message, attempt > TimeSpan.Zero ? attempt : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (AskTimeoutException e)
            {
                throw new TimeoutException($"no answer from the cluster within {_timeout.TotalSeconds:0}s (is a node with the coordinator role up?)", e);
            }
        }
    }

    /// <summary>
    /// Validates a spec and submits it. The study id is the latest study registered under the spec's name (so
    /// submitting the same spec again resumes it) unless <paramref name="fresh"/> asks for a new study, or none
    /// exists yet. Returns the coordinator's answer.
    /// </summary>
    /// <exception cref="SpecException">
    /// The spec is invalid or beyond the node's <c>hypertune.limits</c> (nothing is stored).
    /// </exception>
    /// <exception cref="StudyRejectedException">The coordinator refused the study.</exception>
    public async Task<StudySubmitted> SubmitAsync(string specJson, bool fresh = false, BudgetOverride? budget = null, string? studyId = null, CancellationToken cancellationToken = default)
    {
        // The node's limits first: an oversized or pathological spec is refused before any cluster round trip.
        var spec = StudySpecParser.Parse(specJson, _node.Limits);
        TrainableFactory.Create(spec);
        studyId ??= await ChooseStudyIdAsync(spec.Name, fresh, cancellationToken).ConfigureAwait(false);
        if (!StudySpecParser.IsValidName(studyId)) throw new SpecException("studyId", $"'{studyId}' is not a valid study id");
        var answer = await AskAsync<object>(_node.Studies, new SubmitStudy(studyId, specJson, budget), cancellationToken,
            // Longer attempts: a retried submission still works, but would report a new study as resumed.
            attemptTimeout: TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        switch (answer)
        {
            case StudySubmitted submitted:
                await AskAsync<StudyEntry>(_node.Registry, new RegisterStudy(studyId, spec.Name), cancellationToken).ConfigureAwait(false);
                return submitted;
            case StudyRejected rejected:
                throw new StudyRejectedException(rejected.Reason);
            default:
                throw new InvalidOperationException($"unexpected answer {answer}");
        }
    }

    private async Task<string> ChooseStudyIdAsync(string name, bool fresh, CancellationToken cancellationToken)
    {
        var resolved = await AskAsync<ResolvedStudy>(_node.Registry, new ResolveStudy(name), cancellationToken).ConfigureAwait(false);
        if (resolved.Study is { } latest && !fresh) return latest.StudyId;
        if (resolved.Study is null && !fresh) return name;
        var list = await AskAsync<StudyList>(_node.Registry, new ListStudies(), cancellationToken).ConfigureAwait(false);
        var taken = list.Studies.Select(s => s.StudyId).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(name) && resolved.Study is null) return name;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{name}-{n}")) return $"{name}-{n}";
    }

    /// <summary>A study's progress and, optionally, its trials; null when no such study exists.</summary>
    public async Task<StudyReport?> GetAsync(string studyId, bool includeTrials = false, CancellationToken cancellationToken = default)
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

    /// <summary>Every study registered in the cluster.</summary>
    public async Task<IReadOnlyList<StudyEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<StudyList>(_node.Registry, new ListStudies(), cancellationToken).ConfigureAwait(false)).Studies;

    /// <summary>Stops a running study.</summary>
    public async Task<StudyReport> StopAsync(string studyId, string reason, CancellationToken cancellationToken = default)
    {
        var answer = await AskAsync<object>(_node.Studies, new StopStudy(studyId, reason), cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            StudyReport report => report,
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
