namespace HyperTune.Benchmarks;

/// <summary>What <see cref="OptimizerBenchmark.Run"/> runs: <c>hypertune bench optimizers</c>'s options.</summary>
public sealed record OptimizerBenchmarkOptions
{
    /// <summary>Trials per study (<c>--budget</c>).</summary>
    public int Budget { get; init; } = 100;

    /// <summary>Studies per problem and optimizer, with seeds FirstSeed .. FirstSeed+Seeds-1 (<c>--seeds</c>).</summary>
    public int Seeds { get; init; } = 10;

    /// <summary>The first seed (<c>--first-seed</c>), so independent blocks of seeds can be run (0, 300, 600...).</summary>
    public int FirstSeed { get; init; }

    /// <summary>
    /// The optimizer setups (<c>--optimizers a,b</c>), by name: standard names (<see cref="OptimizerConfiguration.Standard"/>)
    /// or optimizer types. Null means every standard setup.
    /// </summary>
    public IReadOnlyList<string>? Optimizers { get; init; }

    /// <summary>Explicit setups, used instead of <see cref="Optimizers"/> when given (for experiments with settings).</summary>
    public IReadOnlyList<OptimizerConfiguration>? Configurations { get; init; }

    /// <summary>Problem names of the suite (<c>--problems p,q</c>); null means all eight.</summary>
    public IReadOnlyList<string>? Problems { get; init; }

    /// <summary>Trials in flight at once, as with parallel workers (<c>--pending</c>); 1 is sequential.</summary>
    public int Pending { get; init; } = 1;

    /// <summary>Studies run at the same time; null means the processor count. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Keep every study's trial history in the report (for tests and analyses; costs memory).</summary>
    public bool KeepHistories { get; init; }

    /// <summary>The setups to run, resolved from <see cref="Configurations"/> or <see cref="Optimizers"/>.</summary>
    public IReadOnlyList<OptimizerConfiguration> ResolveConfigurations() =>
        Configurations ?? (Optimizers is null
            ? OptimizerConfiguration.Standard
            : Optimizers.Where(n => !string.IsNullOrWhiteSpace(n)).Select(OptimizerConfiguration.FromName).ToArray());

    /// <summary>Checks the numbers; throws <see cref="ArgumentException"/> naming the option.</summary>
    public void Validate()
    {
        if (Budget < 1) throw new ArgumentException("--budget must be at least 1", nameof(Budget));
        if (Seeds < 1) throw new ArgumentException("--seeds must be at least 1", nameof(Seeds));
        if (FirstSeed < 0 || (long)FirstSeed + Seeds > int.MaxValue) throw new ArgumentException("--first-seed must be at least 0 (and the last seed an int)", nameof(FirstSeed));
        if (Pending < 1) throw new ArgumentException("--pending must be at least 1", nameof(Pending));
        if (MaxDegreeOfParallelism is < 1) throw new ArgumentException("the degree of parallelism must be at least 1", nameof(MaxDegreeOfParallelism));
        var configurations = ResolveConfigurations();
        if (configurations.Count == 0) throw new ArgumentException("--optimizers names no optimizer", nameof(Optimizers));
        var duplicate = configurations.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"optimizer '{duplicate.Key}' is listed twice", nameof(Optimizers));
    }
}
