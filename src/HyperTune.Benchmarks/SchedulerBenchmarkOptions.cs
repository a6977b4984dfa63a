namespace HyperTune.Benchmarks;

/// <summary>What <see cref="SchedulerBenchmark.Run"/> runs: <c>hypertune bench schedulers</c>'s options.</summary>
public sealed record SchedulerBenchmarkOptions
{
    /// <summary>Budget of each study in full training runs (<c>--budget-runs</c>): budget runs x T steps.</summary>
    public int BudgetRuns { get; init; } = 30;

    /// <summary>Studies per problem and setup, with seeds FirstSeed .. FirstSeed+Seeds-1 (<c>--seeds</c>).</summary>
    public int Seeds { get; init; } = 10;

    /// <summary>The first seed (<c>--first-seed</c>).</summary>
    public int FirstSeed { get; init; }

    /// <summary>Worker slots of each simulated study (<c>--parallelism</c>); 1 runs trials one at a time.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// The trial budget of each study (<c>--max-trials</c>): new trials it may start. Null means as many as the step
    /// budget allows (every trial costs a step), so only the step budget ends a study, as in the reference. With a
    /// trial budget, synchronous schedulers must close their rungs once it is spent, and their barriers show in the
    /// utilization.
    /// </summary>
    public int? MaxTrials { get; init; }

    /// <summary>Setup names (<c>--setups a,b</c>) of <see cref="SchedulerSetup.Standard"/>; null means all.</summary>
    public IReadOnlyList<string>? Setups { get; init; }

    /// <summary>Explicit setups, used instead of <see cref="Setups"/> when given (tests, experiments).</summary>
    public IReadOnlyList<SchedulerSetup>? SetupList { get; init; }

    /// <summary>Problem names of the multi-fidelity suite (<c>--problems p,q</c>); null means all four.</summary>
    public IReadOnlyList<string>? Problems { get; init; }

    /// <summary>Studies run at the same time (<c>--parallel</c>); null means the processor count. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Keep every study's final history in the report (tests, analyses).</summary>
    public bool KeepHistories { get; init; }

    /// <summary>The setups to run.</summary>
    /// <exception cref="ArgumentException">A name is not a standard setup.</exception>
    public IReadOnlyList<SchedulerSetup> ResolveSetups() =>
        SetupList ?? (Setups is null
            ? SchedulerSetup.Standard
            : Setups.Where(n => !string.IsNullOrWhiteSpace(n)).Select(SchedulerSetup.FromName).ToArray());

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the option.</summary>
    public void Validate()
    {
        if (BudgetRuns < 1) throw new ArgumentException("--budget-runs must be at least 1", nameof(BudgetRuns));
        if (Seeds < 1) throw new ArgumentException("--seeds must be at least 1", nameof(Seeds));
        if (FirstSeed < 0 || (long)FirstSeed + Seeds > int.MaxValue) throw new ArgumentException("--first-seed must be at least 0", nameof(FirstSeed));
        if (Parallelism < 1) throw new ArgumentException("--parallelism must be at least 1", nameof(Parallelism));
        if (MaxTrials is < 1) throw new ArgumentException("--max-trials must be at least 1", nameof(MaxTrials));
        if (MaxDegreeOfParallelism is < 1) throw new ArgumentException("--parallel must be at least 1", nameof(MaxDegreeOfParallelism));
        var setups = ResolveSetups();
        if (setups.Count == 0) throw new ArgumentException("--setups names no setup", nameof(Setups));
        var duplicate = setups.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"setup '{duplicate.Key}' is listed twice", nameof(Setups));
        SchedulerBenchmark.ResolveProblems(Problems);
    }
}
