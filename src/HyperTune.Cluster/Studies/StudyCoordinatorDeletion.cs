using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using static HyperTune.Cluster.Studies.StudyProtocol;

namespace HyperTune.Cluster.Studies;

/// <summary>Deleting a study: its journal, its snapshots, then its read-model views.</summary>
public sealed partial class StudyCoordinator
{
    /// <summary>The views were deleted (or could not be: <see cref="Error"/>).</summary>
    private sealed record ViewsDeleted(Exception? Error);

    private void OnDelete(DeleteStudy delete)
    {
        if (_settings.ReadOnly)
        {
            Sender.Tell(new StudyRejected(delete.StudyId, "this node opened the store read-only"));
            return;
        }
        if (!AllWritten)
        {
            // The journal is deleted up to its last written event: the writes under way finish first.
            var sender = Sender;
            WhenWritten(() => Self.Tell(delete, sender));
            return;
        }
        if (_state is { Status: StudyStatus.Running } running)
        {
            Sender.Tell(new StudyRejected(delete.StudyId,
                $"study {_studyId} has not finished ({running.RunningOn.Count} trial(s) running); stop it first " +
                $"(hypertune study stop {_studyId})"));
            return;
        }
        var replyTo = Sender;
        var trials = _state?.Trials.Count ?? 0;
        _log.Info("study {0}: deleting its journal (events 1-{1}), snapshots and views", _studyId, LastSequenceNr);
        Timers.CancelAll();
        var waiting = 1;
        DeleteSnapshots(SnapshotSelectionCriteria.Latest);
        if (LastSequenceNr > 0)
        {
            DeleteMessages(LastSequenceNr);
            waiting++;
        }
        Become(() => Deleting(replyTo, trials, waiting));
    }

    /// <summary>
    /// Waits for the journal's and the snapshot store's answers, then deletes the views (after any write of them
    /// still under way) and passivates. A failure is reported and the entity passivates: the next message recovers
    /// whatever is left, and deleting again finishes the job.
    /// </summary>
    private void Deleting(IActorRef replyTo, int trials, int waiting)
    {
        var failed = false;
        // A client's retry of the same deletion is answered with it.
        var replyTos = new List<IActorRef> { replyTo };
        Command<DeleteStudy>(_ => replyTos.Add(Sender));
        Command<DeleteMessagesSuccess>(_ => Deleted());
        Command<DeleteMessagesFailure>(f => Failed($"deleting its journal failed: {f.Cause.Message}"));
        Command<DeleteSnapshotsSuccess>(s =>
        {
            // Not the clean-up of an older snapshot, which asked for less.
            if (s.Criteria.MaxSequenceNr == long.MaxValue) Deleted();
        });
        Command<DeleteSnapshotsFailure>(f =>
        {
            if (f.Criteria.MaxSequenceNr == long.MaxValue) Failed($"deleting its snapshots failed: {f.Cause.Message}");
        });
        Command<ViewsDeleted>(d =>
        {
            if (d.Error is not null)
            {
                Failed($"its journal is deleted but its read-model views could not be: {d.Error.GetBaseException().Message}");
                return;
            }
            _log.Info("study {0}: deleted", _studyId);
            foreach (var to in replyTos) to.Tell(new StudyDeleted(_studyId, trials));
            Passivate();
        });
        CommandAny(message =>
        {
            // Workers' reports and timers have nothing left to act on; requests are told why.
            if (message is GetStudy or SubmitStudy or StopStudy or PauseStudy or ResumeStudy or EnqueueTrials
                or WatchStudy)
                Sender.Tell(new StudyRejected(_studyId, $"study {_studyId} is being deleted"));
        });

        void Deleted()
        {
            if (failed || --waiting > 0) return;
            // Nothing of the study is left to show: PostStop writes no view of it.
            _state = null;
            var views = _views;
            var studyId = _studyId;
            var pending = _viewsWrite ?? Task.CompletedTask;
            Task.Run(async () =>
            {
                await pending.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                if (views is not null) await views.DeleteAsync(studyId, CancellationToken.None).ConfigureAwait(false);
            }).PipeTo(Self, success: () => new ViewsDeleted(null), failure: e => new ViewsDeleted(e));
        }

        void Failed(string why)
        {
            if (failed) return;
            failed = true;
            _log.Warning("study {0}: {1}", _studyId, why);
            foreach (var to in replyTos) to.Tell(new StudyRejected(_studyId, $"study {_studyId}: {why}; delete it again to finish"));
            _state = null;
            Passivate();
        }
    }
}
