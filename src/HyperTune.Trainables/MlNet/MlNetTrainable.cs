using System.Globalization;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Validation;
using Microsoft.ML;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// Trains an ML.NET learner on a CSV data set and scores a configuration by cross-validation (or one holdout) on the
/// training rows (<c>"trainable": {"type": "mlnet", ...}</c>). Step m reports the mean of every metric over the
/// first m folds, so a scheduler (fold racing, a median pruner) can stop a hopeless trial between folds; the final
/// metrics add the study metric's standard deviation over folds and each fold's value
/// (<c>accuracy_std</c>, <c>accuracy_fold1</c>...). Test rows (<c>data.test</c> or <c>data.testFraction</c>) are
/// never used here: only <see cref="RefitAsync"/> scores on them.
/// </summary>
public sealed class MlNetTrainable : ITrainable, IRefittable
{
    /// <summary>The spec's name for this trainable type.</summary>
    public const string TypeName = "mlnet";

    private readonly IReadOnlyDictionary<string, double> _fixed;

    /// <summary>
    /// Reads <c>task</c>, <c>learner</c>, <c>data</c>, <c>validation</c>, <c>hyperparameters</c> (fixed values),
    /// <c>threads</c> (per trial, default 1) and <c>seed</c> (the learner's, default 0). With a
    /// <paramref name="space"/>, its parameter names are checked against the learner's hyperparameters.
    /// </summary>
    /// <exception cref="SpecException">A missing, unknown or bad field, named.</exception>
    public MlNetTrainable(JsonSettings settings, SearchSpace? space)
    {
        var task = settings.RequireString("task", "binary", "multiclass", "regression");
        Task = Enum.Parse<MlTask>(task, ignoreCase: true);
        Learner = MlLearners.Get(settings.RequireString("learner"), settings.PathOf("learner"));
        Data = DataOptions.Read(settings.RequireObject("data"));
        Validation = ValidationSpec.Read(settings.GetObject("validation"));
        Threads = settings.GetInt("threads", 1, 1, 256);
        Seed = settings.GetInt("seed", 0, 0, int.MaxValue);
        _fixed = ReadFixed(settings.GetObject("hyperparameters"), space);
        settings.EnsureNoUnknownFields();
        if (space is not null) CheckSpace(space, settings.Path);
    }

    /// <summary>What is learned.</summary>
    public MlTask Task { get; }

    /// <summary>The learner.</summary>
    public MlLearner Learner { get; }

    /// <summary>Where the data is, and how its columns are read.</summary>
    public DataOptions Data { get; private init; }

    /// <summary>How a configuration is scored on the training rows.</summary>
    public ValidationSpec Validation { get; }

    /// <summary>Threads per training run.</summary>
    public int Threads { get; }

    /// <summary>The learner's seed.</summary>
    public int Seed { get; }

    /// <summary>True when a test set is given (a file or a fraction of the training file).</summary>
    public bool HasTestSet => Data.TestPath is not null || Data.TestFraction is not null;

    /// <inheritdoc />
    public long? TotalSteps => Validation.Units;

    /// <inheritdoc />
    /// <remarks>The folds, when there are several and <c>validation.parallel</c> is not false.</remarks>
    public int Parts => Validation.Parallel ? Validation.Units : 1;

    /// <summary>The folders of the data files (absolute), for a node's <see cref="DataRootPolicy"/>.</summary>
    public IReadOnlyList<string> DataFolders =>
        new[] { Data.TrainPath, Data.TestPath }.OfType<string>()
            .Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct().ToArray();

    /// <summary>Called with the training rows and the scored rows of every fit (indices into the training file).</summary>
    internal Action<IReadOnlyList<int>, IReadOnlyList<int>>? RowsUsed { get; init; }

    /// <summary>This trainable with its data paths taken relative to <paramref name="directory"/>.</summary>
    public MlNetTrainable RelativeTo(string? directory) =>
        new(this) { Data = Data.RelativeTo(directory) };

    private MlNetTrainable(MlNetTrainable other)
    {
        Task = other.Task;
        Learner = other.Learner;
        Data = other.Data;
        Validation = other.Validation;
        Threads = other.Threads;
        Seed = other.Seed;
        _fixed = other._fixed;
        RowsUsed = other.RowsUsed;
    }

    /// <summary>
    /// Refuses objectives and constraints this task does not report, and directions that make no sense
    /// (maximizing log loss).
    /// </summary>
    /// <exception cref="SpecException">Naming the metric and the valid ones.</exception>
    public void CheckMetrics(ObjectiveSpec objective)
    {
        var known = MlMetrics.For(Task).Select(m => m.Name).ToArray();
        foreach (var o in objective.Metrics)
        {
            if (MlMetrics.Find(Task, o.Name) is not { } metric)
                throw new SpecException("objective.metric", $"'{o.Name}' is not a {Task.ToString().ToLowerInvariant()} " +
                    $"metric; known: {string.Join(", ", known)}{JsonSettings.Suggest(o.Name, known)}");
            var maximize = o.Direction == Core.Studies.StudyDirection.Maximize;
            if (maximize != metric.HigherIsBetter)
                throw new SpecException("objective.direction",
                    $"'{o.Name}' is {(metric.HigherIsBetter ? "a score: maximize" : "an error: minimize")} it");
        }
        foreach (var c in objective.Constraints)
            if (MlMetrics.Find(Task, c.Metric) is null)
                throw new SpecException("constraints", $"'{c.Metric}' is not a metric of this task; known: {string.Join(", ", known)}");
    }

    /// <summary>Reads the data (once per process) so a missing file or a bad row is reported before any trial runs.</summary>
    /// <exception cref="SpecException">Naming the file, the line and the column.</exception>
    public void CheckData()
    {
        var (train, searchRows, _) = Rows();
        if (Validation.HoldoutFraction is null && searchRows.Count < Validation.Folds)
            throw new SpecException("trainable.validation.folds",
                $"{searchRows.Count} training rows cannot make {Validation.Folds} folds");
        if (Data.TestPath is not null) TabularDataCache.Test(Data, Task, train.Layout);
    }

    /// <inheritdoc />
    /// <remarks>
    /// ML.NET cannot stop a fit half way (its cancellation is not public), so a cancelled run ends when its current
    /// fold's fit does, and no further fold starts. It returns only then, so its worker keeps the slot until the CPU
    /// is free again: a node never runs more fits than it has slots, even when a pruned trial's folds are cancelled.
    /// </remarks>
    public Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.Run(() => Run(context, cancellationToken), cancellationToken);

    private TrialOutcome Run(TrialContext context, CancellationToken ct)
    {
        TabularData train;
        IReadOnlyList<int> searchRows;
        LearnerValues values;
        try
        {
            (train, searchRows, _) = Rows();
            values = ValuesFor(context.Params);
        }
        catch (SpecException e)
        {
            return TrialOutcome.Failed(e.Message);
        }
        var parts = FoldRows(train, searchRows);
        var folds = new List<IReadOnlyDictionary<string, double>>();
        var ml = new MLContext(Seed);
        if (context.Part is { } part && (part < 0 || part >= parts.Count))
            return TrialOutcome.Failed($"there is no fold {part + 1} of {parts.Count}");
        var first = context.Part ?? 0;
        var end = context.Part is { } only ? only + 1 : parts.Count;
        for (var f = first; f < end; f++)
        {
            ct.ThrowIfCancellationRequested();
            var (fit, scored) = parts[f];
            Dictionary<string, double> metrics;
            try
            {
                metrics = FitAndScore(ml, train, fit, train, scored, values, modelPath: null);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                return TrialOutcome.Failed($"{Learner.Name} failed on fold {f + 1}: {e.GetBaseException().Message}");
            }
            folds.Add(metrics);
            // A part reports nothing on the way: its coordinator reports the folds' running means as parts finish.
            if (context.Part is null) context.Report(new TrialReport(f + 1, PartResults.RunningMeans(folds, f + 1)));
        }
        ct.ThrowIfCancellationRequested();
        return TrialOutcome.Completed(context.Part is null
            ? PartResults.Aggregate(folds, context.Metric)
            : new Dictionary<string, double>(folds[0]));
    }

    /// <summary>
    /// Trains <paramref name="configuration"/> on every training row (the test rows excluded), scores it once on the
    /// test set when there is one, and saves the model to <paramref name="modelPath"/> when given.
    /// </summary>
    /// <remarks>
    /// Returns when the fit ends, as <see cref="RunAsync"/> does: ML.NET cannot stop a fit, so a cancellation after it
    /// began is not awaited away (the worker's slot stays taken while the CPU is).
    /// </remarks>
    /// <exception cref="SpecException">The data cannot be read or the configuration does not fit the learner.</exception>
    public Task<RefitResult> RefitAsync(Configuration configuration, string? modelPath, CancellationToken ct) =>
        System.Threading.Tasks.Task.Run(() =>
        {
            var (train, searchRows, testRows) = Rows();
            var values = ValuesFor(configuration);
            var ml = new MLContext(Seed);
            TabularData? test = null;
            IReadOnlyList<int> scoredRows = testRows;
            if (Data.TestPath is not null)
            {
                test = TabularDataCache.Test(Data, Task, train.Layout);
                scoredRows = Enumerable.Range(0, test.Count).ToArray();
            }
            var metrics = HasTestSet
                ? FitAndScore(ml, train, searchRows, test ?? train, scoredRows, values, modelPath)
                : FitAndScore(ml, train, searchRows, null, Array.Empty<int>(), values, modelPath);
            return new RefitResult(metrics, searchRows.Count, HasTestSet ? scoredRows.Count : 0, modelPath);
        }, ct);

    private Dictionary<string, double> FitAndScore(MLContext ml, TabularData fitData, IReadOnlyList<int> fitRows,
        TabularData? scoreData, IReadOnlyList<int> scoreRows, LearnerValues values, string? modelPath)
    {
        if (ReferenceEquals(scoreData, fitData) || scoreData is null) RowsUsed?.Invoke(fitRows, scoreRows);
        else RowsUsed?.Invoke(fitRows, Array.Empty<int>());
        var fitView = MlDataViews.Create(ml, Task, fitData, fitRows);
        var estimator = Learner.IsLinear
            ? ml.Transforms.ReplaceMissingValues(MlLearner.FeatureColumn)
                .Append(ml.Transforms.NormalizeMinMax(MlLearner.FeatureColumn))
                .Append(Learner.Create(ml, Task, values, new LearnerRuntime(Threads, Seed)))
            : Learner.Create(ml, Task, values, new LearnerRuntime(Threads, Seed));
        var model = estimator.Fit(fitView);
        if (modelPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
            ml.Model.Save(model, fitView.Schema, modelPath);
        }
        if (scoreData is null) return new Dictionary<string, double>();
        var scored = model.Transform(MlDataViews.Create(ml, Task, scoreData, scoreRows));
        return MlMetrics.Evaluate(ml, Task, scored);
    }

    // The training file, the rows the search may use, and the rows held out as the test set (a testFraction).
    private (TabularData Train, IReadOnlyList<int> Search, IReadOnlyList<int> Test) Rows()
    {
        var train = TabularDataCache.Training(Data, Task);
        if (Data.TestFraction is not { } fraction) return (train, Enumerable.Range(0, train.Count).ToArray(), Array.Empty<int>());
        // Salted apart from the fold shuffle, so the test rows do not depend on how the folds are dealt.
        var seed = Core.Randomness.SeededRandom.Mix(Validation.Seed, TestSplitSalt);
        var held = FoldSplitter.Holdout(train.Count, fraction, seed, Strata(train, Enumerable.Range(0, train.Count)));
        return (train, Enumerable.Range(0, train.Count).Where(r => !held[r]).ToArray(),
            Enumerable.Range(0, train.Count).Where(r => held[r]).ToArray());
    }

    private const long TestSplitSalt = 0x7E57;

    // (rows fitted, rows scored) per fold, as indices into the training file.
    private List<(int[] Fit, int[] Scored)> FoldRows(TabularData train, IReadOnlyList<int> searchRows)
    {
        var strata = Strata(train, searchRows);
        if (Validation.HoldoutFraction is { } fraction)
        {
            var held = FoldSplitter.Holdout(searchRows.Count, fraction, Validation.Seed, strata);
            return [(searchRows.Where((_, i) => !held[i]).ToArray(), searchRows.Where((_, i) => held[i]).ToArray())];
        }
        var fold = FoldSplitter.Assign(searchRows.Count, Validation.Folds, Validation.Seed, strata);
        return Enumerable.Range(0, Validation.Folds)
            .Select(k => (searchRows.Where((_, i) => fold[i] != k).ToArray(), searchRows.Where((_, i) => fold[i] == k).ToArray()))
            .ToList();
    }

    private IReadOnlyList<int>? Strata(TabularData data, IEnumerable<int> rows) =>
        Task != MlTask.Regression && Validation.Stratified ? rows.Select(r => (int)data.Labels[r]).ToArray() : null;

    private LearnerValues ValuesFor(Configuration configuration)
    {
        var values = new Dictionary<string, double>(_fixed, StringComparer.Ordinal);
        foreach (var (name, value) in configuration)
        {
            if (Learner.Find(name) is not { } h) continue;
            var number = value switch
            {
                double d => d, long l => l, int i => i, float s => s,
                _ => throw new SpecException($"space.{name}", $"'{value}' is not a number; {Learner.Name}'s {name} takes numbers"),
            };
            values[name] = Checked(h, number, $"space.{name}");
        }
        return new LearnerValues(values);
    }

    private static double Checked(MlHyperparameter h, double value, string field)
    {
        if (h.Integer) value = Math.Round(value);
        if (!double.IsFinite(value) || value < h.Min || value > h.Max)
            throw new SpecException(field, string.Create(CultureInfo.InvariantCulture,
                $"{h.Name} must be between {h.Min} and {h.Max}, got {value}"));
        return value;
    }

    private IReadOnlyDictionary<string, double> ReadFixed(JsonSettings? settings, SearchSpace? space)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (settings is null) return values;
        foreach (var name in settings.FieldNames.ToArray())
        {
            if (Learner.Find(name) is not { } h)
                throw UnknownHyperparameter(settings.PathOf(name), name);
            if (space?.Contains(name) == true)
                throw new SpecException(settings.PathOf(name), $"'{name}' is also in the search space; give it in one place");
            values[name] = Checked(h, settings.RequireDouble(name), settings.PathOf(name));
        }
        return values;
    }

    private void CheckSpace(SearchSpace space, string path)
    {
        foreach (var p in space.Parameters)
        {
            if (Learner.Find(p.Name) is not { } h) throw UnknownHyperparameter($"space.{p.Name}", p.Name);
            if (p is NumericParameter n && (n.Low < h.Min || n.High > h.Max))
                throw new SpecException($"space.{p.Name}", string.Create(CultureInfo.InvariantCulture,
                    $"{Learner.Name}'s {h.Name} must be between {h.Min} and {h.Max}, the range is [{n.Low}, {n.High}]"));
        }
    }

    private SpecException UnknownHyperparameter(string field, string name)
    {
        var known = Learner.Hyperparameters.Select(h => h.Name).ToArray();
        return new SpecException(field, $"'{name}' is not a hyperparameter of {Learner.Name}; known: " +
                                        $"{string.Join(", ", known)}{JsonSettings.Suggest(name, known)}");
    }
}
