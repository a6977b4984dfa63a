using System.Collections.Immutable;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Views;
using HyperTune.Core.Optimizers.Evolution;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// A study's read-model views as a coordinator writes them: the documents come from the real
/// <see cref="StudyJson"/> writer (the study document without its trial list; each trial document an entry of that
/// list plus its <c>intermediate</c> reports), so the dashboard is tested on the documents it will be given.
/// Trials are made deterministically from their number; each <see cref="AddTrialsAsync"/> is one new version.
/// </summary>
public sealed class SampleStudy(string id, string name, SampleStudyKind kind, int maxTrials, DateTimeOffset createdAt)
{
    private const int Steps = 12;
    private const int Population = 8;
    private readonly List<TrialRecord> _trials = [];

    /// <summary>The study id.</summary>
    public string Id => id;

    /// <summary>The trials so far.</summary>
    public IReadOnlyList<TrialRecord> Trials => _trials;

    /// <summary>The version of the last write.</summary>
    public long Version { get; private set; }

    /// <summary>Completed trials so far.</summary>
    public int Complete => _trials.Count(t => t.State == TrialState.Complete);

    /// <summary>
    /// Makes <paramref name="count"/> more trials (or, for population-based training, the whole population at
    /// once) and writes the study's view and the new trials' views as one new version.
    /// </summary>
    public async Task AddTrialsAsync(IStudyViewWriter writer, int count, CancellationToken ct = default)
    {
        var first = _trials.Count;
        var added = kind == SampleStudyKind.PopulationBasedTraining ? Population - first : count;
        for (var i = 0; i < added; i++) _trials.Add(MakeTrial(first + i));
        Version++;
        var updatedAt = createdAt + TimeSpan.FromSeconds(4 * _trials.Count);
        var report = Report();
        var status = report.Progress.Status == StudyStatus.Finished ? "finished" : "running";
        var study = new StudyView(id, name, status, createdAt, updatedAt, Version,
            StudyJson.ToJson(report, includeTrials: false, indented: false));
        var list = JsonNode.Parse(StudyJson.ToJson(report, includeTrials: true, indented: false))!["trialList"]!
            .AsArray();
        var views = new List<TrialView>();
        foreach (var record in _trials.Skip(first))
        {
            var doc = list.Single(t => (int)t!["number"]! == record.Number)!.DeepClone().AsObject();
            doc["intermediate"] = new JsonArray(record.Intermediate
                .Select(r => (JsonNode)new JsonObject { ["step"] = r.Step, ["value"] = r.Value }).ToArray());
            views.Add(new TrialView(id, record.Number, (string)doc["state"]!, record.Value, Version,
                doc.ToJsonString()));
        }
        await writer.WriteAsync(study, views, ct);
    }

    private TrialRecord MakeTrial(int number)
    {
        var random = new Random(number * 7919 + 17);
        var started = createdAt + TimeSpan.FromSeconds(4 * number);
        var finished = started + TimeSpan.FromSeconds(3);
        return kind switch
        {
            SampleStudyKind.SingleObjective => SingleObjectiveTrial(number, random, started, finished),
            SampleStudyKind.MultiObjective => MultiObjectiveTrial(number, random, started, finished),
            SampleStudyKind.Evolution => EvolutionTrial(number, random, started, finished),
            _ => PopulationMember(number, random, started, finished),
        };
    }

    private const string SingleObjectiveSpace = """
        [{"name": "x", "type": "float", "low": -5, "high": 10},
         {"name": "lr", "type": "float", "low": 1e-5, "high": 0.1, "log": true},
         {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]},
         {"name": "layers", "type": "int", "low": 1, "high": 4}]
        """;

    private static TrialRecord SingleObjectiveTrial(int number, Random random, DateTimeOffset started,
        DateTimeOffset finished)
    {
        var x = -5 + 15 * random.NextDouble();
        var lr = Math.Pow(10, -5 + 4 * random.NextDouble());
        var optimizer = random.Next(2) == 0 ? "adam" : "sgd";
        var layers = (long)random.Next(1, 5);
        var config = Configuration.From(new Dictionary<string, object>
        {
            ["x"] = x, ["lr"] = lr, ["optimizer"] = optimizer, ["layers"] = layers,
        });
        // A loss that depends mostly on x, then lr, a little on the optimizer, not on layers.
        var final = 0.2 + 0.05 * (x - 2) * (x - 2) + 0.3 * Math.Abs(Math.Log10(lr) + 3)
                    + (optimizer == "sgd" ? 0.15 : 0) + 0.02 * random.NextDouble();
        var curve = Curve(final, random);
        if (number % 13 == 5)
        {
            return new TrialRecord(number, TrialState.Failed, config)
            {
                FailureReason = "process exited with code 1; stderr tail:\nTraceback (most recent call last):\n" +
                                "  File \"train.py\", line 42, in <module>\n    model.fit(X, y)\n" +
                                $"RuntimeError: CUDA out of memory (trial {number})",
                FailedAttempts = 1,
                StartedAt = started,
                FinishedAt = finished,
            };
        }
        if (number % 7 == 3)
        {
            var stop = 2 + number % 5;
            var reports = curve.Take(stop).ToImmutableList();
            return new TrialRecord(number, TrialState.Pruned, config)
            {
                Value = reports[^1].Value,
                Intermediate = reports,
                StartedAt = started,
                FinishedAt = finished,
            };
        }
        return new TrialRecord(number, TrialState.Complete, config)
        {
            Value = final,
            Intermediate = curve,
            Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", final),
            StartedAt = started,
            FinishedAt = finished,
        };
    }

    private static TrialRecord MultiObjectiveTrial(int number, Random random, DateTimeOffset started,
        DateTimeOffset finished)
    {
        var width = (long)random.Next(16, 513);
        var dropout = 0.5 * random.NextDouble();
        var config = Configuration.From(new Dictionary<string, object> { ["width"] = width, ["dropout"] = dropout });
        // Wider is more accurate and slower: a real trade-off, so the front has several members.
        var loss = 1.0 / Math.Sqrt(width) + 0.3 * Math.Abs(dropout - 0.2) + 0.02 * random.NextDouble();
        var latency = 0.05 * width + 3 * random.NextDouble();
        return new TrialRecord(number, TrialState.Complete, config)
        {
            Value = loss,
            Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", loss).Add("latency_ms", latency),
            StartedAt = started,
            FinishedAt = finished,
        };
    }

    private static TrialRecord EvolutionTrial(int number, Random random, DateTimeOffset started,
        DateTimeOffset finished)
    {
        var generation = number / Population;
        // Later generations are better: the population converges.
        var spread = 5.0 / (1 + generation);
        var x1 = spread * (2 * random.NextDouble() - 1);
        var x2 = spread * (2 * random.NextDouble() - 1);
        var value = x1 * x1 + x2 * x2;
        return new TrialRecord(number, TrialState.Complete,
            Configuration.From(new Dictionary<string, object> { ["x1"] = x1, ["x2"] = x2 }))
        {
            Value = value,
            Attributes = ImmutableDictionary<string, string>.Empty
                .Add(EvolutionOptimizer.GenerationAttribute,
                    generation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            StartedAt = started,
            FinishedAt = finished,
        };
    }

    private static TrialRecord PopulationMember(int number, Random random, DateTimeOffset started,
        DateTimeOffset finished)
    {
        var lr = Math.Pow(10, -4 + 3 * random.NextDouble());
        var config = Configuration.From(new Dictionary<string, object> { ["lr"] = lr });
        // The bottom members exploit a top one every 5 steps.
        var lineage = ImmutableList<LineageEntry>.Empty;
        if (number >= Population / 2)
        {
            foreach (var step in new long[] { 5, 10 })
            {
                var donor = (number + (int)step) % (Population / 2);
                var after = Configuration.From(new Dictionary<string, object> { ["lr"] = lr * 1.2 });
                lineage = lineage.Add(new LineageEntry(step, donor, config, after));
                config = after;
            }
        }
        var curve = Enumerable.Range(1, 15)
            .Select(s => new IntermediateValue(s, 0.5 + 0.5 * (1 - Math.Exp(-s / 5.0)) - 0.01 * number))
            .ToImmutableList();
        return new TrialRecord(number, TrialState.Complete, config)
        {
            Value = curve[^1].Value,
            Intermediate = curve,
            Lineage = lineage,
            StartedAt = started,
            FinishedAt = finished,
        };
    }

    // A learning curve that falls from about 1 to the final value.
    private static ImmutableList<IntermediateValue> Curve(double final, Random random) =>
        Enumerable.Range(1, Steps)
            .Select(s => new IntermediateValue(s, final + (1.0 / s) * (0.8 + 0.1 * random.NextDouble())))
            .ToImmutableList();

    private StudyProtocol.StudyReport Report()
    {
        var complete = _trials.Where(t => t.State == TrialState.Complete).ToList();
        var maximize = kind == SampleStudyKind.PopulationBasedTraining;
        var bestRecord = maximize ? complete.MaxBy(t => t.Value) : complete.MinBy(t => t.Value);
        var metric = kind switch
        {
            SampleStudyKind.PopulationBasedTraining => "accuracy",
            SampleStudyKind.Evolution => "value",
            _ => "loss",
        };
        var status = _trials.Count >= maxTrials ? StudyStatus.Finished : StudyStatus.Running;
        var progress = new StudyProgress(id, name, status, status == StudyStatus.Finished ? "budget" : null,
            maximize ? StudyDirection.Maximize : StudyDirection.Minimize, metric, maxTrials, 4,
            complete.Count, _trials.Count(t => t.State == TrialState.Failed),
            _trials.Count(t => t.State == TrialState.Pruned), 0, 0,
            bestRecord is null ? null : new TrialSummary(bestRecord.Number, bestRecord.Value!.Value, bestRecord.Params),
            createdAt, status == StudyStatus.Finished ? createdAt + TimeSpan.FromSeconds(4 * _trials.Count) : null)
        {
            Steps = _trials.Sum(t => t.LastIntermediate?.Step ?? 0),
        };
        if (kind == SampleStudyKind.SingleObjective && status == StudyStatus.Finished && bestRecord is not null)
        {
            // Its node refitted the best trial as it finished.
            progress = progress with
            {
                Refit = new StudyRefit(bestRecord.Number, RefitStatus.Complete, 1, "10.0.0.5:5053#1", createdAt)
                {
                    Reason = "the study finished", TrainRows = 426, TestRows = 143,
                    TestMetrics = ImmutableDictionary<string, double>.Empty.Add("loss", 0.25),
                    ModelPath = $"/data/artifacts/{id}/model.zip", FinishedAt = createdAt,
                },
            };
        }
        if (kind == SampleStudyKind.MultiObjective)
        {
            progress = progress with
            {
                Objectives = [new ObjectiveMetric("loss", StudyDirection.Minimize),
                    new ObjectiveMetric("latency_ms", StudyDirection.Minimize)],
                Front = Front(complete),
            };
        }
        return new StudyProtocol.StudyReport(progress, _trials)
        {
            Generations = kind == SampleStudyKind.Evolution ? Generations(complete) : null,
            // What the parameter importance reads the parameters' ranges from.
            SpaceJson = kind == SampleStudyKind.SingleObjective ? SingleObjectiveSpace : null,
        };
    }

    private static IReadOnlyList<TrialSummary> Front(List<TrialRecord> complete)
    {
        static bool Dominates(TrialRecord a, TrialRecord b) =>
            a.Metrics["loss"] <= b.Metrics["loss"] && a.Metrics["latency_ms"] <= b.Metrics["latency_ms"]
            && (a.Metrics["loss"] < b.Metrics["loss"] || a.Metrics["latency_ms"] < b.Metrics["latency_ms"]);
        return complete.Where(t => !complete.Any(o => Dominates(o, t)))
            .Select(t => new TrialSummary(t.Number, t.Value!.Value, t.Params) { Values = t.Metrics })
            .ToList();
    }

    private static IReadOnlyList<GenerationSummary> Generations(List<TrialRecord> complete) =>
        complete.GroupBy(t => t.Number / Population).OrderBy(g => g.Key)
            .Select(g => new GenerationSummary(g.Key, Population, g.Count(), g.Min(t => t.Value),
                g.Average(t => t.Value!.Value)))
            .ToList();
}
