using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// Population-based training (Jaderberg et al. 2017). Each trial is a member of a population that trains for
/// <see cref="Interval"/> steps and pauses. When a paused member is ranked, at its step, among the members with a
/// value at that step: a member in the bottom <see cref="QuantileFraction"/> <em>exploits</em> a member of the top
/// fraction (continues from its checkpoint at that step, with its configuration) and <em>explores</em> (perturbs that
/// configuration, <see cref="PbtExplorer"/>); the others go on as they are. Synchronous: a round waits until every
/// live member reached the step. Asynchronous (the default): a member is ranked as soon as it pauses, against those
/// that reached its step so far.
/// </summary>
/// <remarks>
/// Members are compared at the same step, never at their latest ones: a learning curve's value depends on how far
/// it trained, so comparing a member at step 40 with another at step 20 would favour the faster. Random choices
/// (which top member, which factor) derive from the seed, the member and the step, so a decision depends only on the
/// history. The coordinator persists each decision (<c>TrialExploited</c>) before the member resumes.
/// </remarks>
public sealed class PbtScheduler : ITrialScheduler
{
    /// <summary>The spec's name for population-based training.</summary>
    public const string TypeName = "pbt";

    private static readonly long Stream = SeededRandom.StableHash("pbt");

    private readonly int? _populationSize;
    private readonly long? _finalStep;
    private readonly long _seed;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="interval">Steps between two rankings of a member.</param>
    /// <param name="explorer">The explore step; null: exploit only (the ablation of the paper).</param>
    /// <param name="exploit">False: the bottom members explore their own configuration (the other ablation).</param>
    /// <param name="quantileFraction">The fraction of the ranked members in the bottom and top parts.</param>
    /// <param name="synchronous">Rank in rounds, when every live member reached the step.</param>
    /// <param name="populationSize">Members; null: the study's trial budget.</param>
    /// <param name="finalStep">The trainable's last step when known: members run to it without pausing there.</param>
    /// <param name="seed">The study seed.</param>
    public PbtScheduler(long interval, PbtExplorer? explorer, bool exploit = true, double quantileFraction = 0.25,
        bool synchronous = false, int? populationSize = null, long? finalStep = null, long seed = 0)
    {
        if (interval < 1) throw new ArgumentOutOfRangeException(nameof(interval));
        if (!(quantileFraction > 0 && quantileFraction <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(quantileFraction));
        if (explorer is null && !exploit)
            throw new ArgumentException("a population that neither exploits nor explores is a random search");
        Interval = interval;
        Explorer = explorer;
        Exploits = exploit;
        QuantileFraction = quantileFraction;
        Synchronous = synchronous;
        _populationSize = populationSize;
        _finalStep = finalStep;
        _seed = seed;
    }

    /// <summary>Steps between two rankings of a member (its perturbation interval).</summary>
    public long Interval { get; }

    /// <summary>The explore step, or null when members only exploit.</summary>
    public PbtExplorer? Explorer { get; }

    /// <inheritdoc />
    public string? CheckpointStore { get; init; }

    /// <summary>PB2's model-based explore step, used instead of <see cref="Explorer"/>'s random one when set.</summary>
    public Pb2Explorer? Pb2 { get; init; }

    /// <summary>True when bottom members copy a top member's checkpoint and configuration.</summary>
    public bool Exploits { get; }

    /// <summary>The fraction of ranked members in each of the bottom and top parts.</summary>
    public double QuantileFraction { get; }

    /// <summary>True for rounds in which the whole population is ranked at once.</summary>
    public bool Synchronous { get; }

    /// <summary>Reads <c>pbt</c>'s settings (docs/schedulers.md), validating each against the space.</summary>
    /// <exception cref="SpecException">A bad setting, naming it.</exception>
    public static PbtScheduler FromSettings(JsonSettings settings, long? trainableSteps, SearchSpace space, long seed)
    {
        var population = ReadPopulationSize(settings);
        var interval = settings.GetOptionalLong("perturbationInterval", 1, 1_000_000_000)
                       ?? (trainableSteps is { } steps
                           ? Math.Max(1, steps / 10)
                           : throw new SpecException(settings.PathOf("perturbationInterval"),
                               "is required when the trainable does not say how many steps it runs (trainable.steps)"));
        if (trainableSteps is { } total && interval >= total)
            throw new SpecException(settings.PathOf("perturbationInterval"),
                $"must be below the trainable's {total} steps, or members would never be ranked");
        var fraction = settings.GetDouble("quantileFraction", 0.25, 0, 0.5);
        if (fraction <= 0) throw new SpecException(settings.PathOf("quantileFraction"), "must be above 0");
        var resample = settings.GetDouble("resampleProbability", 0.25, 0, 1);
        var factors = ReadFactors(settings);
        var mutations = PbtExplorer.ReadMutations(settings.GetObject("mutations"), space);
        var synchronous = settings.GetBool("synchronous", false);
        var exploit = settings.GetBool("exploit", true);
        var explore = settings.GetBool("explore", true);
        var method = settings.GetString("explorer", "perturb", "perturb", "pb2");
        var store = settings.GetOptionalString("checkpointStore", "directory", "database");
        settings.EnsureNoUnknownFields();
        if (!exploit && !explore)
            throw new SpecException(settings.PathOf("explore"),
                "a population that neither exploits nor explores is a random search: keep one of them");
        var explorer = explore ? new PbtExplorer(space, resample, factors, mutations) : null;
        return new PbtScheduler(interval, explorer, exploit, fraction, synchronous, population, trainableSteps, seed)
        {
            Pb2 = explorer is not null && method == "pb2" ? new Pb2Explorer(space, explorer) : null,
            CheckpointStore = store,
        };
    }

    /// <inheritdoc />
    public bool PausesTrials => true;

    /// <inheritdoc />
    public bool CopiesCheckpoints => Exploits;

    /// <inheritdoc />
    /// <remarks>
    /// A copy kept at step k is needed while a member may still be ranked at k (it has not reached k, or is paused
    /// there) or has been given it and not yet trained past k (its worker copies it when the run starts). Both end
    /// once every unfinished member has reported a step beyond k; until the population is complete a new member may
    /// still come to any step, so everything is kept.
    /// </remarks>
    public long KeptCheckpointsNeededFrom(SchedulerContext context)
    {
        var history = context.History;
        if (history.Trials.Count < PopulationSize(context)) return 0;
        long? lowest = null;
        foreach (var t in history.Trials)
        {
            if (t.State is not (TrialState.Running or TrialState.Waiting or TrialState.Paused)) continue;
            var step = t.LastIntermediate?.Step ?? 0;
            if (lowest is null || step < lowest) lowest = step;
        }
        // With every member finished, nothing is needed any more.
        return lowest ?? long.MaxValue;
    }

    /// <inheritdoc />
    /// <remarks>Members pause at their interval's step by themselves (<see cref="SlotDecision.StopAtStep"/>).</remarks>
    public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context)
    {
        var history = context.History;
        if (history.Trials.Count < PopulationSize(context) && context.CanStartNew)
            return SlotDecision.StartNew(NextStop(0));
        TrialRecord? next = null;
        foreach (var t in history.Paused)
            if (next is null || t.PausedAtStep < next.PausedAtStep) next = t;
        if (next is null)
            return history.Pending.Any()
                ? SlotDecision.Wait("every member is training")
                : SlotDecision.Done("every member of the population finished");
        var step = next.PausedAtStep!.Value;
        if (Synchronous && history.Pending.Any(t => (t.LastIntermediate?.Step ?? 0) < step))
            return SlotDecision.Wait($"synchronous round at step {step}: members still training towards it");
        var exploit = Decide(history, next, step);
        var stop = NextStop(step);
        return exploit is null
            ? SlotDecision.Resume(next.Number, stop, $"ranked at step {step}: not in the bottom part, goes on")
            : SlotDecision.Resume(next.Number, stop, exploit.Donor == next.Number
                ? $"ranked at step {step} in the bottom part: explores its own configuration"
                : $"ranked at step {step} in the bottom part: continues from trial {exploit.Donor}'s checkpoint")
                with { Exploit = exploit };
    }

    /// <summary>
    /// The decision for <paramref name="member"/> at <paramref name="step"/>: null when it is not in the bottom part
    /// (or fewer than two members reached the step), else the donor and the new configuration.
    /// </summary>
    public ExploitDecision? Decide(TrialHistory history, TrialRecord member, long step)
    {
        var ranked = new List<(TrialRecord Trial, double Loss)>();
        foreach (var t in history.Trials)
        {
            if (t.State is TrialState.Failed or TrialState.Cancelled) continue;
            if (t.ValueAtStep(step) is { } value) ranked.Add((t, history.Loss(value)));
        }
        if (ranked.Count < 2) return null;
        ranked.Sort((a, b) => a.Loss != b.Loss ? a.Loss.CompareTo(b.Loss) : a.Trial.Number.CompareTo(b.Trial.Number));
        var part = PartSize(ranked.Count);
        var position = ranked.FindIndex(r => r.Trial.Number == member.Number);
        if (position < ranked.Count - part) return null;
        var random = SeededRandom.Derive(_seed, Stream, member.Number, step);
        // A top member that was itself exploited at this step (possible when asynchronous rankings at one step
        // see different members) now trains from its own donor's checkpoint: it gives nothing of its own.
        var donors = Exploits
            ? ranked.Take(part).Select(r => r.Trial).Where(t => t.Lineage.All(e => e.Step != step)).ToList()
            : [member];
        if (donors.Count == 0) return null;
        var donor = donors[random.NextInt(donors.Count)];
        var inherited = donor.ParamsAt(step);
        var explored = Pb2?.Explore(history, inherited, step, Interval, random)
                       ?? Explorer?.Explore(inherited, random) ?? inherited;
        return new ExploitDecision(donor.Number, step, explored);
    }

    /// <summary>
    /// How many of <paramref name="ranked"/> members make the bottom (and the top) part: the fraction rounded up,
    /// at most half, so a population of two still exploits.
    /// </summary>
    public int PartSize(int ranked) =>
        Math.Max(1, Math.Min(ranked / 2, (int)Math.Ceiling(ranked * QuantileFraction - 1e-9)));

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();

    /// <summary>
    /// The members a <c>pbt</c> scheduler spec trains under a trial budget of <paramref name="maxTrials"/>: its
    /// <c>populationSize</c>, at most the budget; the budget when it gives none. Null for another scheduler.
    /// </summary>
    public static int? PopulationFor(SchedulerSpec spec, int maxTrials) =>
        spec.Type == TypeName ? Math.Min(ReadPopulationSize(spec.Reader()) ?? maxTrials, maxTrials) : null;

    // The spec's populationSize, when it gives one.
    private static int? ReadPopulationSize(JsonSettings settings) =>
        settings.Has("populationSize") ? settings.GetInt("populationSize", 2, 2, 100_000) : null;

    // The members: the setting, or the trial budget, never more than the budget.
    private int PopulationSize(SchedulerContext context) =>
        Math.Min(_populationSize ?? context.MaxTrials, context.MaxTrials);

    private long? NextStop(long step)
    {
        var stop = step + Interval;
        return _finalStep is { } end && stop >= end ? null : stop;
    }

    private static IReadOnlyList<double> ReadFactors(JsonSettings settings)
    {
        if (settings.GetArray("perturbationFactors") is not { } items) return [0.8, 1.2];
        if (items.Count == 0)
            throw new SpecException(settings.PathOf("perturbationFactors"), "needs at least one factor");
        return items.Select(i => i.Element.ValueKind == System.Text.Json.JsonValueKind.Number
                                 && i.Element.GetDouble() is var f && f > 0 && double.IsFinite(f)
            ? f
            : throw new SpecException(i.Path,
                $"must be a positive number, got {JsonSettings.Describe(i.Element)}")).ToArray();
    }
}
