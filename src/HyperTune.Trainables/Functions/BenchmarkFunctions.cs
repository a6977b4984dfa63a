namespace HyperTune.Trainables.Functions;

/// <summary>
/// The built-in benchmark functions, defined exactly as in the shared benchmark suite (<c>shared/bench/functions.py</c>)
/// so regret figures compare with the reference runs.
/// </summary>
public static class BenchmarkFunctions
{
    internal static readonly double[][] H6A =
    {
        new[] { 10, 3, 17, 3.5, 1.7, 8 }, new[] { 0.05, 10, 17, 0.1, 8, 14 },
        new[] { 3, 3.5, 1.7, 10, 17, 8 }, new[] { 17, 8, 0.05, 10, 0.1, 14 },
    };

    internal static readonly double[][] H6P =
    {
        new double[] { 1312, 1696, 5569, 124, 8283, 5886 }, new double[] { 2329, 4135, 8307, 3736, 1004, 9991 },
        new double[] { 2348, 1451, 3522, 2883, 3047, 6650 }, new double[] { 4047, 8828, 8732, 5743, 1091, 381 },
    };

    internal static readonly double[] HC = { 1.0, 1.2, 3.0, 3.2 };

    private static readonly double[][] H3A = { new[] { 3.0, 10, 30 }, new[] { 0.1, 10, 35 }, new[] { 3.0, 10, 30 }, new[] { 0.1, 10, 35 } };

    private static readonly double[][] H3P =
    {
        new double[] { 3689, 1170, 2673 }, new double[] { 4699, 4387, 7470 },
        new double[] { 1091, 8732, 5547 }, new double[] { 381, 5743, 8828 },
    };

    /// <summary>Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 at three points.</summary>
    public static double Branin(double[] p)
    {
        double x = p[0], y = p[1];
        var t = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x) + 10;
    }

    /// <summary>Hartmann 6-D on [0, 1]^6; minimum -3.32237.</summary>
    public static double Hartmann6(double[] x) => Hartmann(x, H6A, H6P);

    /// <summary>Hartmann 3-D on [0, 1]^3; minimum -3.86278.</summary>
    public static double Hartmann3(double[] x) => Hartmann(x, H3A, H3P);

    private static double Hartmann(double[] x, double[][] a, double[][] p)
    {
        var s = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < x.Length; j++)
            {
                var d = x[j] - p[i][j] * 1e-4;
                inner += a[i][j] * d * d;
            }
            s += HC[i] * Math.Exp(-inner);
        }
        return -s;
    }

    /// <summary>Rosenbrock in any dimension; minimum 0 at (1, ..., 1).</summary>
    public static double Rosenbrock(double[] x)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length - 1; i++)
        {
            var a = x[i + 1] - x[i] * x[i];
            s += 100 * a * a + (1 - x[i]) * (1 - x[i]);
        }
        return s;
    }

    /// <summary>Ackley in any dimension; minimum 0 at the origin.</summary>
    public static double Ackley(double[] x)
    {
        var d = x.Length;
        double sq = 0, cos = 0;
        foreach (var v in x)
        {
            sq += v * v;
            cos += Math.Cos(2 * Math.PI * v);
        }
        return -20 * Math.Exp(-0.2 * Math.Sqrt(sq / d)) - Math.Exp(cos / d) + 20 + Math.E;
    }

    /// <summary>Levy in any dimension; minimum 0 at (1, ..., 1).</summary>
    public static double Levy(double[] x)
    {
        var w = x.Select(v => 1 + (v - 1) / 4).ToArray();
        var s = Math.Pow(Math.Sin(Math.PI * w[0]), 2);
        for (var i = 0; i < w.Length - 1; i++)
            s += (w[i] - 1) * (w[i] - 1) * (1 + 10 * Math.Pow(Math.Sin(Math.PI * w[i] + 1), 2));
        var last = w[^1];
        return s + (last - 1) * (last - 1) * (1 + Math.Pow(Math.Sin(2 * Math.PI * last), 2));
    }

    /// <summary>Styblinski-Tang in any dimension; minimum -39.16599 * d.</summary>
    public static double StyblinskiTang(double[] x) => x.Sum(v => v * v * v * v - 16 * v * v + 5 * v) / 2;

    private static double[] Fill(double v, int n) => Enumerable.Repeat(v, n).ToArray();

    /// <summary>Every built-in function by name.</summary>
    public static IReadOnlyDictionary<string, BenchmarkFunction> All { get; } = new Dictionary<string, BenchmarkFunction>(StringComparer.OrdinalIgnoreCase)
    {
        ["branin"] = new("branin", 2, 2, new[] { -5.0, 0.0 }, new[] { 10.0, 15.0 }, Branin, _ => 0.397887),
        ["hartmann3"] = new("hartmann3", 3, 3, Fill(0, 3), Fill(1, 3), Hartmann3, _ => -3.86278),
        ["hartmann6"] = new("hartmann6", 6, 6, Fill(0, 6), Fill(1, 6), Hartmann6, _ => -3.32237),
        ["rosenbrock"] = new("rosenbrock", null, 4, new[] { -5.0 }, new[] { 10.0 }, Rosenbrock, _ => 0.0),
        ["ackley"] = new("ackley", null, 5, new[] { -32.768 }, new[] { 32.768 }, Ackley, _ => 0.0),
        ["levy"] = new("levy", null, 4, new[] { -10.0 }, new[] { 10.0 }, Levy, _ => 0.0),
        ["styblinski-tang"] = new("styblinski-tang", null, 8, new[] { -5.0 }, new[] { 5.0 }, StyblinskiTang, d => -39.16599 * d),
    };

    /// <summary>The function with that name, or null.</summary>
    public static BenchmarkFunction? Find(string name) => All.TryGetValue(name, out var f) ? f : null;
}
