using Akka.Actor;
using HyperTune.Cluster.Workers;
using static HyperTune.Cluster.Studies.StudyProtocol;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// A study's refit (<see cref="StudyRefit"/>): asked for when the study finishes or by an operator, sent to a
/// worker, watched like a trial's dispatch, and recorded; the decisions are <see cref="RefitDecider"/>'s.
/// </summary>
public sealed partial class StudyCoordinator
{
    private void OnRefitStudy(RefitStudy request)
    {
        if (Unavailable(request.StudyId)) return;
        string? refusal = _settings.ReadOnly ? "this node opened the store read-only"
            : !_refits ? $"study {_studyId}'s trainable ({_state!.Spec.Trainable.Type}) makes no model to refit"
            : null;
        IReadOnlyList<StudyEvents.IStudyEvent> events = Array.Empty<StudyEvents.IStudyEvent>();
        try
        {
            if (refusal is null) events = RefitDecider.Request(_state!, request.Reason, _clock());
        }
        catch (InvalidOperationException e)
        {
            refusal = e.Message;
        }
        if (refusal is not null)
        {
            Sender.Tell(new StudyRejected(request.StudyId, refusal));
            return;
        }
        var replyTo = Sender;
        PersistWithPlan(events, () => replyTo.Tell(Report(includeTrials: false)));
    }

    private void OnRefitAccepted(RefitAccepted a)
    {
        if (_refitAwaitingAccept?.Dispatch == a.Dispatch) _refitAwaitingAccept = null;
        if (_state is not null && RefitDecider.IsCurrent(_state, a.Dispatch))
        {
            if (a.Worker.Equals(_refitWorker)) return;
            if (_refitWorker is not null) Context.Unwatch(_refitWorker);
            _refitWorker = a.Worker;
            Context.Watch(a.Worker);
        }
        else
        {
            a.Worker.Tell(new CancelTrial(a.Worker.Path.Name, "superseded: the refit finished or was sent elsewhere"));
        }
    }

    private void OnRefitResult(ReportRefitResult r)
    {
        var replyTo = Sender;
        if (NoStudyForResult(r.StudyId)) return;
        var events = _settings.ReadOnly
            ? Array.Empty<StudyEvents.IStudyEvent>()
            : RefitDecider.Result(_state, r.Dispatch, r.TestMetrics, r.TrainRows, r.TestRows, r.ModelPath,
                r.FailureReason, MaxRefitFailures, _clock());
        if (events.Count > 0) ForgetRefitWorker();
        PersistWithPlan(events, () => replyTo.Tell(new RefitRecorded(r.StudyId, r.Dispatch)));
    }

    /// <summary>The refit's worker went away without an answer: the refit is sent again (or given up).</summary>
    private void RefitWorkerLost(string reason)
    {
        if (_state?.Refit is not { Status: RefitStatus.Running } refit || _settings.ReadOnly) return;
        ForgetRefitWorker();
        PersistWithPlan(RefitDecider.WorkerLost(_state, refit.Dispatch, reason, MaxRefitFailures, _clock()), () => { });
    }

    private void ForgetRefitWorker()
    {
        if (_refitWorker is not null) Context.Unwatch(_refitWorker);
        _refitWorker = null;
        _refitAwaitingAccept = null;
    }

    /// <summary>Attempts of a refit that may fail or lose their worker before it is given up: as for a trial.</summary>
    private int MaxRefitFailures => _settings.MaxRequeues + 1;
}
