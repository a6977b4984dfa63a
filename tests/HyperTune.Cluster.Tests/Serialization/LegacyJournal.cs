using System.Collections.Immutable;
using HyperTune.Core.Spaces;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// The study written into <c>Fixtures/legacy-journal.db</c> by the version before study events had their own
/// serializer (every row carries Hyperion's serializer id 4711). It touches every event type of that version
/// with awkward values: parameter kinds that compare equal across kinds (3 and 3.0), doubles that print
/// inexactly (0.1 + 0.2), negative zero, subnormals, infinities, offsets other than UTC and text that needs
/// escaping. The events are spelt out here so the replay test can compare what it reads with what was written.
/// </summary>
public static class LegacyJournal
{
    /// <summary>The fixture's study id (persistence id <c>study-legacy</c>).</summary>
    public const string StudyId = "legacy";

    /// <summary>The fixture's file name under <c>Serialization/Fixtures</c>.</summary>
    public const string FileName = "legacy-journal.db";

    /// <summary>The spec the study was created with; its space admits every parameter value below.</summary>
    public const string Spec = """
        {
          "name": "legacy",
          "objective": { "metric": "loss", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin" },
          "space": [
            { "name": "lr", "type": "float", "low": 0.0001, "high": 1, "log": true },
            { "name": "layers", "type": "int", "low": 1, "high": 8 },
            { "name": "scale", "type": "categorical", "choices": [3.0, "wide", true] }
          ],
          "optimizer": { "type": "random", "seed": 5 },
          "budget": { "maxTrials": 4, "parallelism": 2 },
          "maxRetries": 1
        }
        """;

    private static readonly TimeSpan India = new(5, 30, 0);
    private static readonly TimeSpan Newfoundland = new(-3, -30, 0);

    private static DateTimeOffset At(int second, TimeSpan offset) =>
        new DateTimeOffset(2026, 12, 6, 6, 0, second, TimeSpan.Zero).AddTicks(1_234_567).ToOffset(offset);

    private static Configuration Params(double lr, long layers, object scale) => Configuration.From(
        new Dictionary<string, object> { ["lr"] = lr, ["layers"] = layers, ["scale"] = scale });

    /// <summary>The events, in journal order.</summary>
    public static IReadOnlyList<IStudyEvent> Events { get; } = new IStudyEvent[]
    {
        new StudyCreated(StudyId, Spec, At(0, India)),
        new StudyBudgetChanged(4, 2, At(1, TimeSpan.Zero)),
        new TrialStarted(0, Params(0.1 + 0.2, 3, 3.0),
            ImmutableDictionary<string, string>.Empty
                .Add("note", "quoted \"text\"\nünïcödé \\ tab\t").Add("empty", ""),
            At(2, India)),
        new TrialStarted(1, Params(1e-4, 8, "wide"), ImmutableDictionary<string, string>.Empty, At(3, Newfoundland)),
        new TrialDispatched(0, 1, "127.0.0.1:4053#-1234567", At(4, India)),
        new TrialDispatched(1, 1, "10.0.0.2:4053#99", At(4, India)),
        new TrialExecutionStarted(0, 1, At(5, India)),
        new TrialReported(0, 1, double.Epsilon),
        new TrialReported(0, 2, -0.0),
        new TrialReported(0, 3, 0.30000000000000004),
        new TrialCompleted(0, 0.1 + 0.2,
            ImmutableDictionary<string, double>.Empty.Add("loss", 0.1 + 0.2).Add("max", double.MaxValue)
                .Add("inf", double.PositiveInfinity).Add("neg-inf", double.NegativeInfinity).Add("neg-zero", -0.0)
                .Add("third", 1.0 / 3),
            At(6, India)),
        new TrialFailed(1, "process exited with code 1: \"boom\"", false, At(7, Newfoundland)),
        new TrialStarted(2, Params(0.5, 1, true), ImmutableDictionary<string, string>.Empty.Add("k", "v"),
            At(8, India)),
        new TrialDispatched(1, 2, "10.0.0.3:4053#7", At(9, India)),
        new TrialRequeued(1, "node 10.0.0.3:4053 left", At(10, India)),
        new TrialDispatched(1, 3, "10.0.0.2:4053#99", At(11, India)),
        new TrialFailed(1, "process exited with code 2", true, At(12, India)),
        new TrialDispatched(2, 1, "127.0.0.1:4053#-1234567", At(13, India)),
        new TrialReported(2, 1, 7.25),
        new TrialPruned(2, 1, 7.25, At(14, TimeSpan.Zero)),
        new TrialStarted(3, Params(0.0123456789, 2, 3.0), ImmutableDictionary<string, string>.Empty, At(15, India)),
        new TrialCancelled(3, "the study was stopped", At(16, India)),
        new StudyFinished("trial budget reached", At(17, India)),
    };
}
