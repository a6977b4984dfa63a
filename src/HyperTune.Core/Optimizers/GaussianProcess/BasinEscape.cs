namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Gets the search out of a basin it has finished refining. Expected improvement keeps paying for ever smaller
/// refinements of the incumbent, and its exploration goes to the corners of the cube where the variance is highest,
/// so a GP that converged on a local minimum (Hartmann-6's -3.20 basin) tends to stay there. Once the best output
/// has not improved by <see cref="MinImprovement"/> for <see cref="After"/> completed trials, every second suggestion
/// excludes the incumbent's neighbourhood (scaled distance below <see cref="Radius"/>, in fitted length scales) and
/// measures improvement against the best point outside it, which makes the next-best basin worth climbing.
/// </summary>
/// <param name="After">Completed trials without real improvement before escapes start (0 disables them).</param>
/// <param name="Radius">Radius of the excluded neighbourhood, in length scales.</param>
/// <param name="MinImprovement">Improvement of the standardized best output that still counts as progress.</param>
internal sealed record BasinEscape(int After, double Radius, double MinImprovement)
{
    /// <summary>Escapes alternate with ordinary suggestions, so refinement of the incumbent continues meanwhile.</summary>
    public const int Period = 2;

    /// <summary>True when this suggestion should escape: enabled, stagnating, and an escape turn.</summary>
    public bool Applies(IReadOnlyList<double> y, int trialNumber)
    {
        if (After <= 0 || trialNumber % Period != 0) return false;
        var best = double.PositiveInfinity;
        var lastProgress = 0;
        for (var i = 0; i < y.Count; i++)
        {
            if (y[i] < best - MinImprovement) lastProgress = i;
            best = Math.Min(best, y[i]);
        }
        return y.Count - 1 - lastProgress >= After;
    }

    /// <summary>The neighbourhood of <paramref name="incumbent"/> that an escape may not propose.</summary>
    public Func<double[], bool> Neighbourhood(double[] incumbent, double[] inverseLengthScales)
    {
        var r2 = Radius * Radius;
        return x => Matern52Kernel.ScaledSquaredDistance(x, incumbent, inverseLengthScales) < r2;
    }
}
