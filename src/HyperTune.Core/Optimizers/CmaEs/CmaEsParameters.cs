namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// The strategy constants of a (μ/μ_w, λ)-CMA-ES for a dimension and population size: recombination weights
/// (negative ones for active CMA), learning rates and damping, with the default values of Hansen's tutorial
/// ("The CMA Evolution Strategy: A Tutorial", 2016).
/// </summary>
public sealed class CmaEsParameters
{
    /// <summary>Computes the constants.</summary>
    /// <param name="dimension">n.</param>
    /// <param name="populationSize">λ.</param>
    /// <param name="activeCovariance">Give the worse half of the population negative weights (active CMA).</param>
    /// <param name="covarianceLearningScale">α_cov, which scales both covariance learning rates (2 in the tutorial).</param>
    public CmaEsParameters(int dimension, int populationSize, bool activeCovariance, double covarianceLearningScale)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension));
        if (populationSize < 2) throw new ArgumentOutOfRangeException(nameof(populationSize));
        if (!(covarianceLearningScale > 0)) throw new ArgumentOutOfRangeException(nameof(covarianceLearningScale));
        var n = (double)dimension;
        Dimension = dimension;
        Lambda = populationSize;
        Mu = populationSize / 2;

        var raw = new double[Lambda];
        for (var i = 0; i < Lambda; i++) raw[i] = Math.Log((Lambda + 1) / 2.0) - Math.Log(i + 1);
        double sumPos = 0, sumPosSq = 0, sumNeg = 0, sumNegSq = 0;
        for (var i = 0; i < Lambda; i++)
        {
            if (raw[i] >= 0) { sumPos += raw[i]; sumPosSq += raw[i] * raw[i]; }
            else { sumNeg += raw[i]; sumNegSq += raw[i] * raw[i]; }
        }
        MuEff = sumPos * sumPos / sumPosSq;
        var muEffMinus = sumNegSq > 0 ? sumNeg * sumNeg / sumNegSq : 0;

        // c1 + cμ must stay below 1; the cap only matters for a large α_cov in one or two dimensions.
        C1 = Math.Min(MaxRankOneRate, covarianceLearningScale / ((n + 1.3) * (n + 1.3) + MuEff));
        CMu = Math.Min(1 - C1, covarianceLearningScale * (MuEff - 2 + 1 / MuEff) / ((n + 2) * (n + 2) + covarianceLearningScale * MuEff / 2));
        CSigma = (MuEff + 2) / (n + MuEff + 5);
        DSigma = 1 + 2 * Math.Max(0, Math.Sqrt((MuEff - 1) / (n + 1)) - 1) + CSigma;
        Cc = (4 + MuEff / n) / (n + 4 + 2 * MuEff / n);
        ExpectedNorm = Math.Sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));

        // Positive weights sum to one; negative ones (active CMA) are scaled so the covariance stays positive definite.
        var alphaMuMinus = 1 + C1 / CMu;
        var alphaMuEffMinus = 1 + 2 * muEffMinus / (MuEff + 2);
        var alphaPosDefMinus = (1 - C1 - CMu) / (n * CMu);
        var negativeScale = Math.Min(alphaMuMinus, Math.Min(alphaMuEffMinus, alphaPosDefMinus)) / -sumNeg;
        Weights = new double[Lambda];
        for (var i = 0; i < Lambda; i++)
            Weights[i] = raw[i] >= 0 ? raw[i] / sumPos : activeCovariance && sumNeg < 0 ? raw[i] * negativeScale : 0;
        WeightSum = Weights.Sum();
    }

    /// <summary>n, the number of coordinates.</summary>
    public int Dimension { get; }

    /// <summary>λ, the samples per generation.</summary>
    public int Lambda { get; }

    /// <summary>μ, the number of samples recombined into the new mean.</summary>
    public int Mu { get; }

    /// <summary>Recombination weights by rank (best first): μ positive ones summing to 1, then zero or negative ones.</summary>
    public double[] Weights { get; }

    /// <summary>The sum of all weights (below 1 with active CMA).</summary>
    public double WeightSum { get; }

    /// <summary>μ_eff, the variance-effective selection mass.</summary>
    public double MuEff { get; }

    /// <summary>c_σ, the learning rate of the step-size path.</summary>
    public double CSigma { get; }

    /// <summary>d_σ, the step-size damping.</summary>
    public double DSigma { get; }

    /// <summary>c_c, the learning rate of the covariance path.</summary>
    public double Cc { get; }

    /// <summary>c_1, the rank-one learning rate.</summary>
    public double C1 { get; }

    /// <summary>c_μ, the rank-μ learning rate.</summary>
    public double CMu { get; }

    /// <summary>E‖N(0, I)‖, the expected length of a standard normal vector.</summary>
    public double ExpectedNorm { get; }

    // The largest rank-one learning rate allowed, leaving room for the rank-μ update.
    private const double MaxRankOneRate = 0.9;

    /// <summary>Hansen's population size 4 + ⌊3 ln n⌋.</summary>
    public static int StandardPopulationSize(int dimension) => 4 + (int)Math.Floor(3 * Math.Log(dimension));

    /// <summary>
    /// The optimizer's default population size: half of <see cref="StandardPopulationSize"/>, at least 4. Tuning
    /// budgets are small (tens to hundreds of trials), where more generations of a smaller population reach lower
    /// regret; restarts (IPOP, BIPOP) grow the population when a run stalls, which is where larger populations pay.
    /// </summary>
    public static int DefaultPopulationSize(int dimension) => Math.Max(MinimumDefaultPopulation, StandardPopulationSize(dimension) / 2);

    // Below four samples (two parents) the rank-μ update has too little to learn from.
    private const int MinimumDefaultPopulation = 4;
}
