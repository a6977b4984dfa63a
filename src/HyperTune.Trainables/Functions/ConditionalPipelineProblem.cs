using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// <c>cond-pipeline</c> of <c>shared/bench/conditional.py</c>: a hierarchical space where the model family selects
/// which parameters exist (svm, forest, boosting, net) and <c>net</c> has a nested categorical optimizer. Minimum
/// 0.05 at net/adam with net_lr = 10^-3.3, width = 256, layers = 3; boosting is a near trap at 0.06 with a long, easy
/// valley.
/// </summary>
public static class ConditionalPipelineProblem
{
    /// <summary>The problem's name in the benchmark and as a built-in function.</summary>
    public const string Name = "cond-pipeline";

    /// <summary>The known minimum.</summary>
    public const double Optimum = 0.05;

    /// <summary>The problem's search space, with its conditions.</summary>
    public static SearchSpace Space { get; } = new(
        new CategoricalParameter("model", new object[] { "svm", "forest", "boosting", "net" }),
        new FloatParameter("C", 1e-3, 1e3, Log: true) { Condition = When("model", "svm") },
        new FloatParameter("gamma", 1e-5, 1e1, Log: true) { Condition = When("model", "svm") },
        new IntParameter("n_trees", 10, 1000, Log: true) { Condition = When("model", "forest") },
        new IntParameter("max_depth", 2, 40) { Condition = When("model", "forest") },
        new FloatParameter("max_features", 0.1, 1.0) { Condition = When("model", "forest") },
        new FloatParameter("lr", 1e-3, 1.0, Log: true) { Condition = When("model", "boosting") },
        new IntParameter("rounds", 10, 2000, Log: true) { Condition = When("model", "boosting") },
        new IntParameter("depth", 1, 12) { Condition = When("model", "boosting") },
        new FloatParameter("subsample", 0.5, 1.0) { Condition = When("model", "boosting") },
        new CategoricalParameter("optimizer", new object[] { "sgd", "adam" }) { Condition = When("model", "net") },
        new FloatParameter("net_lr", 1e-5, 1e-1, Log: true) { Condition = When("model", "net") },
        new IntParameter("width", 16, 1024, Log: true) { Condition = When("model", "net") },
        new IntParameter("layers", 1, 6) { Condition = When("model", "net") });

    /// <summary>Evaluates the surface for the active parameters of a configuration.</summary>
    /// <exception cref="ArgumentException">An unknown model or optimizer choice.</exception>
    public static double Evaluate(IReadOnlyDictionary<string, object> p)
    {
        double Get(string name) => ParameterValues.ToDouble(p[name]);
        static double Sq(double x) => x * x;
        switch ((string)p["model"])
        {
            case "svm":
                return 0.12 + 0.02 * Sq(Math.Log10(Get("C")) - 1.5) + 0.03 * Sq(Math.Log10(Get("gamma")) + 2.2);
            case "forest":
                return 0.10 + 0.03 * Sq(Math.Log10(Get("n_trees")) - 2.7) + 0.0004 * Sq(Get("max_depth") - 18)
                       + 0.2 * Sq(Get("max_features") - 0.35);
            case "boosting":
            {
                double u = Math.Log10(Get("lr")), r = Math.Log10(Get("rounds"));
                return 0.06 + 0.4 * Sq(u + 1.2 + 0.5 * (r - 2.5)) + 0.02 * Sq(r - 2.8) + 0.01 * Sq(Get("depth") - 6)
                       + 0.3 * Sq(Get("subsample") - 0.8);
            }
            case "net":
            {
                var (centre, baseline) = (string)p["optimizer"] switch
                {
                    "adam" => (-3.3, 0.05),
                    "sgd" => (-1.6, 0.09),
                    var other => throw new ArgumentException($"unknown optimizer choice '{other}'"),
                };
                return baseline + 0.3 * Sq(Math.Log10(Get("net_lr")) - centre) + 0.02 * Sq(Math.Log2(Get("width")) - 8)
                       + 0.01 * Sq(Get("layers") - 3);
            }
            default:
                throw new ArgumentException($"unknown model choice '{p["model"]}'");
        }
    }

    private static ParameterCondition When(string parent, params object[] values) => new(parent, values);
}
