namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Losses the model is given for trials that failed or broke the study's constraints when the acquisition is not log
/// EI (which uses <see cref="FeasibilityModel"/>s instead), so that it learns where not to look (SMAC does the same
/// with crashed runs): worse than every feasible trial, infeasible ones graded by how far
/// they break the bounds, failed ones worst. Without a feasible trial yet, the violation itself is minimized.
/// </summary>
internal static class InfeasibleImputation
{
    /// <summary>
    /// The losses to model: <paramref name="losses"/> where feasible (violation 0, not failed); otherwise imputed.
    /// A failed trial's loss and violation are ignored; an infinite violation (a constrained metric not reported)
    /// counts as the largest finite one, doubled.
    /// </summary>
    public static double[] Impute(IReadOnlyList<double> losses, IReadOnlyList<double> violations, IReadOnlyList<bool> failed)
    {
        var n = losses.Count;
        var result = new double[n];
        var feasible = Enumerable.Range(0, n).Where(i => !failed[i] && violations[i] == 0 && double.IsFinite(losses[i])).ToList();
        var finiteViolations = Enumerable.Range(0, n).Where(i => !failed[i] && violations[i] > 0 && double.IsFinite(violations[i]))
            .Select(i => violations[i]).ToList();
        var maxViolation = finiteViolations.Count > 0 ? finiteViolations.Max() : 1;
        double Graded(int i) => Math.Min(1, (double.IsFinite(violations[i]) ? violations[i] : 2 * maxViolation) / (2 * maxViolation));
        if (feasible.Count == 0)
        {
            for (var i = 0; i < n; i++) result[i] = failed[i] ? 2 * maxViolation : 2 * maxViolation * Graded(i);
            return result;
        }
        var worst = feasible.Max(i => losses[i]);
        var best = feasible.Min(i => losses[i]);
        var span = Math.Max(worst - best, Math.Max(1e-9, 0.1 * Math.Abs(worst)));
        for (var i = 0; i < n; i++)
            result[i] = failed[i] ? worst + 1.5 * span
                : violations[i] == 0 && double.IsFinite(losses[i]) ? losses[i]
                : worst + span * (0.5 + 0.5 * Graded(i));
        return result;
    }
}
