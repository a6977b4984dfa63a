using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using Xunit.Abstractions;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

/// <summary>
/// Quality checks on a learning-curve problem defined in the test (<see cref="CrossingCurveSimulation"/>): a fixed
/// seed set, a budget of 30 full trainings in steps, the median regret compared between settings.
/// </summary>
public class MultiFidelityQualityTests(ITestOutputHelper output)
{
    private static readonly long[] Seeds = Enumerable.Range(1, 15).Select(s => (long)s).ToArray();

    private const int BudgetSteps = 30 * CrossingCurveSimulation.Steps;

    private static double[] Regrets(CrossingCurveSimulation problem, string type, string multiFidelity,
        TrialState stopped) =>
        Seeds.Select(seed =>
        {
            var json = $$"""{"type":"{{type}}","multiFidelity":"{{multiFidelity}}"}""";
            var spec = new OptimizerSpec(type, seed, JsonDocument.Parse(json).RootElement.Clone());
            var optimizer = OptimizerFactory.Create(spec, CrossingCurveSimulation.Space, StudyDirection.Minimize);
            return problem.Regret(problem.Run(optimizer, BudgetSteps, stopped));
        }).ToArray();

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    [Fact]
    public void Tpe_learning_from_paused_trials_finds_better_configurations_than_ignoring_them()
    {
        // Curves that cross moderately; trials the rung rule stops stay paused (as a synchronous scheduler leaves
        // them). Without multi-fidelity TPE sees only the few completed trials.
        var problem = new CrossingCurveSimulation(Speed: 0.1);
        var with = Median(Regrets(problem, "tpe", "auto", TrialState.Paused));
        var without = Median(Regrets(problem, "tpe", "off", TrialState.Paused));
        output.WriteLine($"median regret, paused trials learnt from: {with:G4}; ignored: {without:G4}");
        Assert.True(with < without, $"with {with:G4}, without {without:G4}");
    }

    [Fact]
    public void Tpe_ranks_paused_trials_as_it_ranks_pruned_ones()
    {
        // The same study with stopped trials pruned instead of paused: TPE's auto treatment ranks both alike, so
        // every seed ends with the same regret.
        var problem = new CrossingCurveSimulation(Speed: 0.1);
        Assert.Equal(Regrets(problem, "tpe", "auto", TrialState.Pruned),
            Regrets(problem, "tpe", "auto", TrialState.Paused));
    }
}
