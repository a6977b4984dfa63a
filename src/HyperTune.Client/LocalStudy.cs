using System.Threading.Channels;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Trainables.InProcess;

namespace HyperTune.Client;

/// <summary>
/// A study run on an embedded one-node cluster in this process, with the same persistence, resume and optimizers as
/// <c>hypertune run</c>: give it an in-process objective (<see cref="OptimizeAsync(Func{Trial, CancellationToken, Task{double}}, CancellationToken)"/>),
/// drive it yourself (<see cref="AskAsync"/> / <see cref="TellAsync(AskedTrial, double)"/>), or run the builder's
/// own trainable (<see cref="RunAsync"/>, for ML.NET learners and processes). Started again with the same name and
/// storage after the process was killed, it resumes the stored study.
/// </summary>
/// <example>
/// <code>
/// var study = StudyBuilder.Create("quadratic").Minimize().Float("x", -5, 5).Budget(50);
/// await using var local = await LocalStudy.StartAsync(study);
/// var result = await local.OptimizeAsync(async (trial, ct) => Math.Pow(trial.Float("x") - 2, 2));
/// Console.WriteLine($"best x = {result.Best!.Params["x"]}");
/// </code>
/// </example>
public sealed class LocalStudy : IAsyncDisposable
{
    private readonly StudyBuilder _builder;
    private readonly LocalStudyOptions _options;
    private readonly HyperTuneNode _node;
    private readonly HyperTuneClient _client;
    private readonly string? _temporary;
    private IDisposable? _registration;
    private Channel<AskedTrial>? _asked;
    private Task? _watching;

    private LocalStudy(StudyBuilder builder, LocalStudyOptions options, HyperTuneNode node, string? temporary)
    {
        _builder = builder;
        _options = options;
        _node = node;
        _client = new HyperTuneClient(node);
        _temporary = temporary;
    }

    /// <summary>The study's id (its name).</summary>
    public string StudyId => _builder.Name;

    /// <summary>Checks the study and starts the embedded node that will run it.</summary>
    /// <exception cref="Core.Specs.SpecException">The study is invalid (the field and the problem).</exception>
    public static async Task<LocalStudy> StartAsync(StudyBuilder builder, LocalStudyOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new LocalStudyOptions();
        var spec = builder.Validate();
        // The program named these data files itself: its embedded node may read them.
        var dataFolders = builder.IsInProcess
            ? []
            : (Trainables.TrainableFactory.Create(spec) as Trainables.MlNet.MlNetTrainable)?.DataFolders ?? [];
        string? temporary = null;
        string dataDirectory;
        if (options.StoragePath is { } path)
        {
            dataDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(dataDirectory);
        }
        else dataDirectory = temporary = Directory.CreateTempSubdirectory("hypertune-local-").FullName;
        var node = await HyperTuneNode.StartAsync(new NodeOptions
        {
            Embedded = true,
            Storage = options.StoragePath is { } file ? StorageSpec.SqliteFile(Path.GetFullPath(file)) : StorageSpec.Memory,
            Port = 0,
            RememberStudies = false,
            Slots = options.Slots ?? Math.Max(spec.Budget.Parallelism, Environment.ProcessorCount),
            LogFile = Path.Combine(dataDirectory, "hypertune.log"),
            ExtraHocon = "hypertune.worker.checkpoint-root = " +
                         StorageSpec.Quote(Path.Combine(dataDirectory, "checkpoints")) +
                         $"\n{Trainables.MlNet.DataRootPolicy.ConfigKey} = [{string.Join(", ", dataFolders.Select(StorageSpec.Quote))}]" +
                         // The program refits when it wants, where it wants the model (RefitAsync).
                         "\nhypertune.study.refit-when-finished = off",
        }, cancellationToken);
        return new LocalStudy(builder, options, node, temporary);
    }

    /// <summary>Runs the study to its end with <paramref name="objective"/> evaluating each trial.</summary>
    /// <returns>The finished study: best trial and every trial.</returns>
    public Task<StudyResult> OptimizeAsync(Func<Trial, CancellationToken, Task<double>> objective,
        CancellationToken cancellationToken = default) =>
        OptimizeAsync(async (trial, ct) => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            { [_builder.Metric] = await objective(trial, ct) }, cancellationToken);

    /// <summary>
    /// As <see cref="OptimizeAsync(Func{Trial, CancellationToken, Task{double}}, CancellationToken)"/> for an objective
    /// that reports several metrics (several objectives, or constraints).
    /// </summary>
    public async Task<StudyResult> OptimizeAsync(
        Func<Trial, CancellationToken, Task<IReadOnlyDictionary<string, double>>> objective,
        CancellationToken cancellationToken = default)
    {
        RequireInProcess();
        _registration = InProcessTrainables.Register(_builder.Name, new DelegateTrainable(objective));
        try
        {
            return await RunAsync(cancellationToken);
        }
        finally
        {
            _registration.Dispose();
            _registration = null;
        }
    }

    /// <summary>Runs the study with the builder's own trainable (ML.NET, process, function) to its end.</summary>
    public async Task<StudyResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await SubmitAsync(cancellationToken);
        await foreach (var _ in _client.WatchAsync(StudyId, cancellationToken))
        {
        }
        return await GetResultAsync(cancellationToken);
    }

    /// <summary>
    /// The next trial to evaluate, or null when the study has finished (budget reached). Up to the study's
    /// parallelism trials may be out at once; tell each one's value with <see cref="TellAsync(AskedTrial, double)"/>.
    /// </summary>
    public async Task<AskedTrial?> AskAsync(CancellationToken cancellationToken = default)
    {
        if (_asked is null)
        {
            RequireInProcess();
            var asked = Channel.CreateUnbounded<AskedTrial>();
            _registration = InProcessTrainables.Register(_builder.Name, new DelegateTrainable(async (trial, ct) =>
            {
                var handed = new AskedTrial(trial);
                await asked.Writer.WriteAsync(handed, ct);
                return await handed.Result.WaitAsync(ct);
            }));
            _asked = asked;
            await SubmitAsync(cancellationToken);
            _watching = WatchUntilFinishedAsync(asked.Writer);
        }
        return await _asked.Reader.WaitToReadAsync(cancellationToken) && _asked.Reader.TryRead(out var next) ? next : null;
    }

    /// <summary>Tells the value of the objective's metric for an asked trial.</summary>
    public Task TellAsync(AskedTrial trial, double value) =>
        TellAsync(trial, new Dictionary<string, double> { [_builder.Metric] = value });

    /// <summary>Tells the metrics of an asked trial (several objectives, constraints).</summary>
    public Task TellAsync(AskedTrial trial, IReadOnlyDictionary<string, double> metrics)
    {
        if (!trial.Complete(metrics)) throw new InvalidOperationException($"trial {trial.Trial.Number} was already told");
        return Task.CompletedTask;
    }

    /// <summary>Tells that an asked trial failed: it counts as failed, with the exception's message as the reason.</summary>
    public Task TellFailedAsync(AskedTrial trial, Exception error)
    {
        if (!trial.Fail(error)) throw new InvalidOperationException($"trial {trial.Trial.Number} was already told");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Trains the best trial's configuration of an ML.NET study on all training rows, scores it once on the test set,
    /// and saves the model to <paramref name="modelPath"/> when given.
    /// </summary>
    /// <exception cref="InvalidOperationException">The study has no completed trial or its trainable is not ML.NET.</exception>
    public async Task<Trainables.RefitResult> RefitAsync(string? modelPath = null,
        CancellationToken cancellationToken = default)
    {
        if (Trainables.TrainableFactory.Create(_builder.Validate()) is not Trainables.MlNet.MlNetTrainable trainable)
            throw new InvalidOperationException($"study '{StudyId}' does not train an ML.NET model: nothing to refit");
        var best = (await GetResultAsync(cancellationToken)).Best
                   ?? throw new InvalidOperationException($"study '{StudyId}' has no completed trial to refit");
        return await trainable.RefitAsync(best.Params, modelPath, cancellationToken);
    }

    /// <summary>The study's current status, best trial and trials.</summary>
    public async Task<StudyResult> GetResultAsync(CancellationToken cancellationToken = default)
    {
        var report = await _client.GetAsync(StudyId, includeTrials: true, cancellationToken)
                     ?? throw new InvalidOperationException($"study '{StudyId}' is not stored");
        var p = report.Progress;
        return new StudyResult(StudyId, p.Status, p.FinishReason, p.Best, report.Trials ?? []);
    }

    /// <summary>Stops the node (a study not finished stays stored and resumes when started again).</summary>
    public async ValueTask DisposeAsync()
    {
        _registration?.Dispose();
        _asked?.Writer.TryComplete();
        // While the node shuts down, Akka prints its last log lines to stdout once its loggers have stopped,
        // whatever akka.stdout-loglevel says: the host program's stdout is not the place for them.
        var output = Console.Out;
        output.Flush();
        Console.SetOut(TextWriter.Null);
        try
        {
            await _node.DisposeAsync();
        }
        finally
        {
            Console.SetOut(output);
        }
        if (_watching is not null)
            await _watching.ContinueWith(_ => { }, TaskScheduler.Default);
        if (_temporary is not null)
        {
            try
            {
                Directory.Delete(_temporary, recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory left behind is harmless.
            }
        }
    }

    private async Task SubmitAsync(CancellationToken cancellationToken) =>
        await _client.SubmitAsync(_builder.ToJson(indented: false), _options.Fresh, cancellationToken: cancellationToken);

    private async Task WatchUntilFinishedAsync(ChannelWriter<AskedTrial> writer)
    {
        try
        {
            await foreach (var _ in _client.WatchAsync(StudyId))
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // The node is shutting down.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private void RequireInProcess()
    {
        if (!_builder.IsInProcess)
            throw new InvalidOperationException($"study '{StudyId}' has its own trainable: run it with RunAsync");
    }
}
