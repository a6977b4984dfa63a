using System.Text.RegularExpressions;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// The registry of study event formats: which manifest each event is written under and how its fields map to
/// JSON. This table, not the C# type names, is the journal's contract. Adding an event is one
/// <see cref="Add{T}"/> entry in <see cref="Current"/>; changing an event's fields incompatibly means a new
/// manifest version (<c>.v2</c>) for the writer and the old one kept with <see cref="Reads{T}"/>.
/// </summary>
public sealed partial class StudyEventFormats
{
    private readonly Dictionary<string, StudyEventFormat> _byManifest = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, StudyEventFormat> _byType = new();

    /// <summary>The formats this version writes and reads.</summary>
    public static StudyEventFormats Current { get; } = new StudyEventFormats()
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
        .Add<StudyFinished>("study-finished.v1",
            (w, e) => w.String("reason", e.Reason).Time("at", e.At),
            r => new StudyFinished(r.String("reason"), r.Time("at")));

    /// <summary>Every registered format (written and read-only ones).</summary>
    public IReadOnlyCollection<StudyEventFormat> All => _byManifest.Values;

    /// <summary>Registers the format <typeparamref name="T"/> is written and read in.</summary>
    public StudyEventFormats Add<T>(string manifest, Action<EventJsonWriter, T> write, Func<EventJsonReader, T> read)
        where T : IStudyEvent
    {
        var format = Register<T>(manifest, (w, e) => write(w, (T)e), read);
        if (!_byType.TryAdd(typeof(T), format))
            throw new ArgumentException($"{typeof(T).Name} is written under '{_byType[typeof(T)].Manifest}' already");
        return this;
    }

    /// <summary>Registers an older manifest of an event that is still read but no longer written.</summary>
    public StudyEventFormats Reads<T>(string manifest, Func<EventJsonReader, T> read) where T : IStudyEvent
    {
        Register<T>(manifest, null, read);
        return this;
    }

    /// <summary>The format an event is written in.</summary>
    /// <exception cref="ArgumentException">The event's type has no format in the registry.</exception>
    public StudyEventFormat ForType(Type type) => _byType.TryGetValue(type, out var format)
        ? format
        : throw new ArgumentException(
            $"study event type {type.FullName} has no manifest: register it in {nameof(StudyEventFormats)}");

    /// <summary>The format a manifest names, or null when it names none.</summary>
    public StudyEventFormat? ForManifest(string manifest) => _byManifest.GetValueOrDefault(manifest);

    private StudyEventFormat Register<T>(string manifest, Action<EventJsonWriter, IStudyEvent>? write,
        Func<EventJsonReader, T> read) where T : IStudyEvent
    {
        if (!ManifestPattern().IsMatch(manifest))
            throw new ArgumentException($"manifest '{manifest}' should look like 'trial-started.v1'");
        var format = new StudyEventFormat(manifest, typeof(T), write, r => read(r));
        if (!_byManifest.TryAdd(manifest, format))
            throw new ArgumentException($"manifest '{manifest}' is registered twice");
        return format;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.v[1-9][0-9]*$")]
    private static partial Regex ManifestPattern();
}
