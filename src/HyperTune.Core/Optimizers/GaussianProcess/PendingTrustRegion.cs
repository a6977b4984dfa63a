namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Where suggestions go while other trials are pending: the neighbourhood of the incumbent (scaled distance at most
/// <see cref="Radius"/>, in fitted length scales). A suggestion made with pending trials lacks their results, the
/// most recent of the study; a parallel batch that keeps refining around the incumbent, each worker at a different
/// spot (the pending trials are still fantasized), loses far less to that lag on refinement problems than one whose
/// members the believer's collapsed variance pushes out over the whole space (see docs/optimizers.md). Sequential
/// suggestions, and basin escapes, are not confined.
/// </summary>
/// <param name="Radius">Radius of the neighbourhood in length scales; 0 disables the confinement.</param>
internal sealed record PendingTrustRegion(double Radius)
{
    /// <summary>True when a suggestion with <paramref name="pendingCount"/> pending trials is confined.</summary>
    public bool Applies(int pendingCount) => Radius > 0 && pendingCount > 0;

    /// <summary>The points outside the neighbourhood of <paramref name="incumbent"/>, which a confined search may not propose.</summary>
    public Func<double[], bool> Outside(double[] incumbent, double[] inverseLengthScales)
    {
        var r2 = Radius * Radius;
        return x => Matern52Kernel.ScaledSquaredDistance(x, incumbent, inverseLengthScales) > r2;
    }
}
