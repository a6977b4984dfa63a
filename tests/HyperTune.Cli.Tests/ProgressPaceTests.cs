using HyperTune.Cli.Output;

namespace HyperTune.Cli.Tests;

/// <summary>The pace and time left that `hypertune run` shows beside its progress.</summary>
public sealed class ProgressPaceTests
{
    [Theory]
    [InlineData(10, 4.0, 30, false, ", 2.5 trials/s, ETA 12s")]
    [InlineData(3, 60.0, 100, false, ", 3 trials/min, ETA 33m20s")]
    [InlineData(1, 30.0, 400, false, ", 2 trials/min, ETA 3h20m")]
    [InlineData(60, 20.0, 0, true, ", 3 trials/s")]
    [InlineData(0, 5.0, 10, false, "")]
    public void Pace_and_eta_read_for_people(int finished, double seconds, int left, bool over, string expected) =>
        Assert.Equal(expected, ProgressView.PaceOf(finished, TimeSpan.FromSeconds(seconds), left, over));
}
