namespace HyperTune.Cli.Commands.Bench;

/// <summary>What <c>hypertune bench lifecycle</c> runs: one real study per setup on an embedded one-node cluster.
/// </summary>
internal sealed record LifecycleBenchmarkOptions
{
    /// <summary>The setups the command knows: scheduler types (with the study's optimizer).</summary>
    public static readonly IReadOnlyList<string> KnownSetups =
        new[] { "none", "median", "asha", "successive-halving", "hyperband", "hyperband-sync", "pbt" };

    /// <summary>Trial budget of each study.</summary>
    public int Trials { get; init; } = 400;

    /// <summary>Steps of each trial (the trainable's <c>steps</c>).</summary>
    public int Steps { get; init; } = 27;

    /// <summary>Simulated training time of one step.</summary>
    public TimeSpan StepTime { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Slots of the node, and the study's parallelism.</summary>
    public int Slots { get; init; } = 8;

    /// <summary>Setups, run one after another.</summary>
    public IReadOnlyList<string> Setups { get; init; } = new[] { "asha", "successive-halving" };

    /// <summary>The built-in multi-fidelity function trained.</summary>
    public string Function { get; init; } = "lc-crossing";

    /// <summary>The optimizer type.</summary>
    public string Optimizer { get; init; } = "tpe";

    /// <summary>The optimizer's seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (Trials < 1) throw new ArgumentException("--trials must be at least 1");
        if (Steps < 1) throw new ArgumentException("--steps must be at least 1");
        if (StepTime < TimeSpan.Zero) throw new ArgumentException("--step-time must not be negative");
        if (Slots < 1) throw new ArgumentException("--slots must be at least 1");
        if (Setups.Count == 0) throw new ArgumentException("--setups names no setup");
        foreach (var setup in Setups)
            if (!KnownSetups.Contains(setup))
                throw new ArgumentException($"unknown setup '{setup}'; known: {string.Join(", ", KnownSetups)}");
        if (Setups.Distinct().Count() != Setups.Count) throw new ArgumentException("--setups names a setup twice");
    }
}
