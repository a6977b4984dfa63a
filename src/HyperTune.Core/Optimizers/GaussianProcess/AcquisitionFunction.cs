using HyperTune.Core.Optimizers.Acquisition;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// An acquisition function of the posterior mean μ and standard deviation σ at a point, for minimization, with its
/// partial derivatives (which the acquisition optimizer chains with the GP's input gradients).
/// </summary>
/// <param name="Kind">Which acquisition.</param>
/// <param name="Incumbent">The best (lowest) observed output, in the GP's standardized units.</param>
/// <param name="Xi">Improvement margin for EI/PI, in standardized units.</param>
/// <param name="UcbBeta">β of the confidence bound μ - √β·σ.</param>
internal sealed record AcquisitionFunction(AcquisitionKind Kind, double Incumbent, double Xi, double UcbBeta)
{
    // σ is floored at this fraction of the prior standard deviation so that z stays finite at observed points.
    private const double RelativeSdFloor = 1e-9;

    /// <summary>The score at (μ, σ) and its derivatives; <paramref name="priorSd"/> = s sets the σ floor.</summary>
    public double Evaluate(double mean, double sd, double priorSd, out double dMean, out double dSd)
    {
        sd = Math.Max(sd, RelativeSdFloor * priorSd);
        var z = (Incumbent - Xi - mean) / sd;
        switch (Kind)
        {
            case AcquisitionKind.LogExpectedImprovement:
            {
                var logH = NormalMath.LogH(z, out var cdfOverH, out var pdfOverH);
                dMean = -cdfOverH / sd;
                dSd = pdfOverH / sd;
                return Math.Log(sd) + logH;
            }
            case AcquisitionKind.ExpectedImprovement:
            {
                var cdf = NormalMath.Cdf(z);
                var pdf = NormalMath.Pdf(z);
                dMean = -cdf;
                dSd = pdf;
                return sd * (pdf + z * cdf);
            }
            case AcquisitionKind.ProbabilityOfImprovement:
            {
                var ratio = NormalMath.PdfOverCdf(z);
                dMean = -ratio / sd;
                dSd = -ratio * z / sd;
                return NormalMath.LogCdf(z);
            }
            default:
            {
                var root = Math.Sqrt(UcbBeta);
                dMean = -1;
                dSd = root;
                return -(mean - root * sd);
            }
        }
    }
}
