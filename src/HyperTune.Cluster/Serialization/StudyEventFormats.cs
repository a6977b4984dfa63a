using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Serialization;

/// <summary>The formats of persisted study events (<see cref="IStudyEvent"/>): the study journal's contract.</summary>
public static class StudyEventFormats
{
    /// <summary>The formats this version writes and reads.</summary>
    public static EventFormats<IStudyEvent> Current { get; } = new EventFormats<IStudyEvent>()
        .Add<StudyCreated>("study-created.v1",
            (w, e) => w.String("studyId", e.StudyId).String("spec", e.SpecJson).Time("at", e.At),
            r => new StudyCreated(r.String("studyId"), r.String("spec"), r.Time("at")))
        .Add<StudyBudgetChanged>("study-budget-changed.v1",
            (w, e) => w.Int("maxTrials", e.MaxTrials).Int("parallelism", e.Parallelism).Time("at", e.At),
            r => new StudyBudgetChanged(r.Int("maxTrials"), r.Int("parallelism"), r.Time("at")))
        .Add<TrialStarted>("trial-started.v1",
            (w, e) => w.Int("number", e.Number).Params("params", e.Params).Strings("attributes", e.Attributes)
                .Time("at", e.At),
            r => new TrialStarted(r.Int("number"), r.Params("params"), r.Strings("attributes"), r.Time("at")))
        .Add<TrialDispatched>("trial-dispatched.v1",
            (w, e) => w.Int("number", e.Number).Int("dispatch", e.Dispatch).String("node", e.NodeKey).Time("at", e.At),
            r => new TrialDispatched(r.Int("number"), r.Int("dispatch"), r.String("node"), r.Time("at")))
        .Add<TrialExecutionStarted>("trial-execution-started.v1",
            (w, e) => w.Int("number", e.Number).Int("dispatch", e.Dispatch).Time("at", e.At),
            r => new TrialExecutionStarted(r.Int("number"), r.Int("dispatch"), r.Time("at")))
        .Add<TrialReported>("trial-reported.v1",
            (w, e) => w.Int("number", e.Number).Long("step", e.Step).Double("value", e.Value),
            r => new TrialReported(r.Int("number"), r.Long("step"), r.Double("value")))
        .Add<TrialCompleted>("trial-completed.v1",
            (w, e) => w.Int("number", e.Number).Double("value", e.Value).Doubles("metrics", e.Metrics).Time("at", e.At),
            r => new TrialCompleted(r.Int("number"), r.Double("value"), r.Doubles("metrics"), r.Time("at")))
        .Add<TrialFailed>("trial-failed.v1",
            (w, e) => w.Int("number", e.Number).String("reason", e.Reason).Bool("final", e.Final).Time("at", e.At),
            r => new TrialFailed(r.Int("number"), r.String("reason"), r.Bool("final"), r.Time("at")))
        .Add<TrialRequeued>("trial-requeued.v1",
            (w, e) => w.Int("number", e.Number).String("reason", e.Reason).Time("at", e.At),
            r => new TrialRequeued(r.Int("number"), r.String("reason"), r.Time("at")))
        .Add<TrialPruned>("trial-pruned.v1",
            (w, e) => w.Int("number", e.Number).Long("step", e.Step).Double("value", e.Value).Time("at", e.At),
            r => new TrialPruned(r.Int("number"), r.Long("step"), r.Double("value"), r.Time("at")))
        .Add<TrialCancelled>("trial-cancelled.v1",
            (w, e) => w.Int("number", e.Number).String("reason", e.Reason).Time("at", e.At),
            r => new TrialCancelled(r.Int("number"), r.String("reason"), r.Time("at")))
        .Add<TrialStopAtStepSet>("trial-stop-at-step-set.v1",
            (w, e) => w.Int("number", e.Number).Long("stopAtStep", e.StopAtStep),
            r => new TrialStopAtStepSet(r.Int("number"), r.Long("stopAtStep")))
        .Add<TrialPaused>("trial-paused.v1",
            (w, e) => w.Int("number", e.Number).Long("step", e.Step).Time("at", e.At),
            r => new TrialPaused(r.Int("number"), r.Long("step"), r.Time("at")))
        .Add<TrialResumed>("trial-resumed.v1",
            (w, e) => w.Int("number", e.Number).OptionalLong("stopAtStep", e.StopAtStep).Time("at", e.At),
            r => new TrialResumed(r.Int("number"), r.OptionalLong("stopAtStep"), r.Time("at")))
        .Add<TrialExploited>("trial-exploited.v1",
            (w, e) => w.Int("number", e.Number).Int("donor", e.Donor).Long("step", e.Step).Params("params", e.Params)
                .Time("at", e.At),
            r => new TrialExploited(r.Int("number"), r.Int("donor"), r.Long("step"), r.Params("params"), r.Time("at")))
        .Add<TrialEnqueued>("trial-enqueued.v1",
            (w, e) => w.Params("params", e.Params).Time("at", e.At),
            r => new TrialEnqueued(r.Params("params"), r.Time("at")))
        .Add<StudyPaused>("study-paused.v1",
            (w, e) => w.String("reason", e.Reason).Time("at", e.At),
            r => new StudyPaused(r.String("reason"), r.Time("at")))
        .Add<StudyResumed>("study-resumed.v1",
            (w, e) => w.Time("at", e.At),
            r => new StudyResumed(r.Time("at")))
        .Add<TrialPartsSet>("trial-parts-set.v1",
            (w, e) => w.Int("number", e.Number).Int("parts", e.Parts),
            r => new TrialPartsSet(r.Int("number"), r.Int("parts")))
        .Add<TrialPartDispatched>("trial-part-dispatched.v1",
            (w, e) => w.Int("number", e.Number).Int("part", e.Part).Int("dispatch", e.Dispatch)
                .String("node", e.NodeKey).Time("at", e.At),
            r => new TrialPartDispatched(r.Int("number"), r.Int("part"), r.Int("dispatch"), r.String("node"),
                r.Time("at")))
        .Add<TrialPartCompleted>("trial-part-completed.v1",
            (w, e) => w.Int("number", e.Number).Int("part", e.Part).Doubles("metrics", e.Metrics).Time("at", e.At),
            r => new TrialPartCompleted(r.Int("number"), r.Int("part"), r.Doubles("metrics"), r.Time("at")))
        .Add<TrialPartRequeued>("trial-part-requeued.v1",
            (w, e) => w.Int("number", e.Number).Int("part", e.Part).String("reason", e.Reason).Time("at", e.At),
            r => new TrialPartRequeued(r.Int("number"), r.Int("part"), r.String("reason"), r.Time("at")))
        .Add<RefitRequested>("refit-requested.v1",
            (w, e) => w.Int("trial", e.Trial).String("reason", e.Reason).Time("at", e.At),
            r => new RefitRequested(r.Int("trial"), r.String("reason"), r.Time("at")))
        .Add<RefitDispatched>("refit-dispatched.v1",
            (w, e) => w.Int("dispatch", e.Dispatch).String("node", e.NodeKey).Time("at", e.At),
            r => new RefitDispatched(r.Int("dispatch"), r.String("node"), r.Time("at")))
        .Add<RefitCompleted>("refit-completed.v1",
            (w, e) => w.Int("dispatch", e.Dispatch).Doubles("test", e.TestMetrics).Int("trainRows", e.TrainRows)
                .Int("testRows", e.TestRows).OptionalString("model", e.ModelPath).Time("at", e.At),
            r => new RefitCompleted(r.Int("dispatch"), r.Doubles("test"), r.Int("trainRows"), r.Int("testRows"),
                r.OptionalString("model"), r.Time("at")))
        .Add<RefitFailed>("refit-failed.v1",
            (w, e) => w.Int("dispatch", e.Dispatch).String("reason", e.Reason).Bool("final", e.Final).Time("at", e.At),
            r => new RefitFailed(r.Int("dispatch"), r.String("reason"), r.Bool("final"), r.Time("at")))
        .Add<StudyFinished>("study-finished.v1",
            (w, e) => w.String("reason", e.Reason).Time("at", e.At),
            r => new StudyFinished(r.String("reason"), r.Time("at")));
}
