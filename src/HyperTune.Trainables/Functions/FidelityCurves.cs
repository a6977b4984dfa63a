namespace HyperTune.Trainables.Functions;

/// <summary>
/// The learning curves of the multi-fidelity suite (<c>shared/bench/fidelity.py</c>), term for term: the value a
/// trial reports at step <c>t</c> of <c>T</c>. At <c>t = T</c> the two <c>mf-*</c> curves are Branin and Hartmann6.
/// </summary>
public static class FidelityCurves
{
    /// <summary>Steps of a full training run: 3^3, so reduction factor 3 gives rungs at 1, 3, 9 and 27.</summary>
    public const int Steps = 27;

    /// <summary>Where the <c>lc-crossing</c> final loss has its minimum in x0..x2.</summary>
    private static readonly double[] CrossingCenter = { 0.3, 0.6, 0.45 };

    /// <summary>Branin whose coefficients drift with 1 - t/T (Kandasamy et al., 2017); Branin at t = T.</summary>
    public static double Branin(double x, double y, long t)
    {
        var drift = 1 - (double)t / Steps;
        var b = 5.1 / (4 * Math.PI * Math.PI) - 0.01 * drift;
        var c = 5 / Math.PI - 0.1 * drift;
        var s = 1 / (8 * Math.PI) + 0.05 * drift;
        var u = y - b * x * x + c * x - 6;
        return u * u + 10 * (1 - s) * Math.Cos(x) + 10;
    }

    /// <summary>Hartmann6 whose first weight is 1 - 0.1 (1 - t/T) (the augmented Hartmann of multi-fidelity BO).</summary>
    public static double Hartmann6(IReadOnlyList<double> x, long t)
    {
        var drift = 1 - (double)t / Steps;
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++)
            {
                var d = x[j] - BenchmarkFunctions.H6P[i][j] * 1e-4;
                inner += BenchmarkFunctions.H6A[i][j] * d * d;
            }
            var alpha = i == 0 ? BenchmarkFunctions.HC[0] - 0.1 * drift : BenchmarkFunctions.HC[i];
            sum += alpha * Math.Exp(-inner);
        }
        return -sum;
    }

    /// <summary>
    /// Curves that cross: larger learning rates learn faster but end worse.
    /// final(x, lr) + 2 exp(-t k / T) with k = 30 sqrt(lr).
    /// </summary>
    public static double Crossing(double lr, IReadOnlyList<double> x, long t)
    {
        var final = 0.0;
        for (var i = 0; i < 3; i++) final += 4 * (x[i] - CrossingCenter[i]) * (x[i] - CrossingCenter[i]);
        var a = Math.Log10(lr) + 2.5;
        final += 0.25 * a * a;
        return final + 2 * Math.Exp(-t * 30 * Math.Sqrt(lr) / Steps);
    }

    /// <summary>
    /// The suite's <c>mixed</c> problem as a learning curve: deeper models start worse, adam learns fastest,
    /// larger learning rates learn faster. final + (1 + 0.1 depth) exp(-t k / T), k = speed(opt) (log10 lr + 6) / 3.
    /// </summary>
    public static double Mixed(double lr, double depth, string opt, long t)
    {
        var (speed, baseline) = opt switch
        {
            "sgd" => (2.0, 0.30),
            "adam" => (6.0, 0.0),
            "rmsprop" => (4.0, 0.10),
            _ => throw new ArgumentException($"unknown optimizer choice '{opt}'", nameof(opt)),
        };
        var a = Math.Log10(lr) + 2.5;
        var final = a * a + 0.05 * (depth - 7) * (depth - 7) + baseline;
        var k = speed * (Math.Log10(lr) + 6) / 3;
        return final + (1 + 0.1 * depth) * Math.Exp(-t * k / Steps);
    }
}
