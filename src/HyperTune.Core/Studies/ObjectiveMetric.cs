namespace HyperTune.Core.Studies;

/// <summary>One objective of a study: the metric trials report under <paramref name="Name"/> and its direction.</summary>
/// <param name="Name">The metric's name in the trials' reports.</param>
/// <param name="Direction">Whether it is made small or large.</param>
public sealed record ObjectiveMetric(string Name, StudyDirection Direction)
{
    /// <summary>The value to minimize: the metric itself when minimizing, its negation when maximizing.</summary>
    public double Loss(double value) => Direction == StudyDirection.Minimize ? value : -value;
}
