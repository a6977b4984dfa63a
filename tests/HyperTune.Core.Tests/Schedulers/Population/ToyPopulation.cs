using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Simulation;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Schedulers.Population;

/// <summary>
/// The PBT paper's toy problem as a state machine for the simulation (Core cannot see the built-in trainable):
/// θ starts at (0.9, 0.9) and shrinks by 1 - 0.02 h per coordinate and step; Q = 1.2 - |θ|², maximized.
/// </summary>
internal static class ToyPopulation
{
    /// <summary>The hyperparameters h0, h1 in [0, 1].</summary>
    public static readonly SearchSpace Space = new(new FloatParameter("h0", 0, 1), new FloatParameter("h1", 0, 1));

    /// <summary>A simulation of the toy under <paramref name="scheduler"/>.</summary>
    public static PopulationSimulation<double[]> Simulate(ITrialScheduler scheduler, IOptimizer optimizer, long steps,
        int population, int parallelism) =>
        new(optimizer, scheduler, () => [0.9, 0.9],
            (t, h) => [t[0] * (1 - 0.02 * h.GetDouble("h0")), t[1] * (1 - 0.02 * h.GetDouble("h1"))],
            t => 1.2 - t[0] * t[0] - t[1] * t[1], steps, population, parallelism, StudyDirection.Maximize);
}
