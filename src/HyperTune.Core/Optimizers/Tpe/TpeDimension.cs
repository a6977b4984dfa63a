using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>How a parameter is modelled by the Parzen estimators.</summary>
internal enum TpeDimensionKind
{
    /// <summary>A float without step: Gaussian kernels on the unit interval, densities at points.</summary>
    Continuous,

    /// <summary>An integer or stepped float: Gaussian kernels integrated over each value's share of the unit interval.</summary>
    Discrete,

    /// <summary>A categorical parameter: each kernel favours its observed choice, smoothed toward uniform.</summary>
    Categorical,
}

/// <summary>
/// One parameter as the estimators see it: numeric parameters through <see cref="NumericParameter.ToUnit"/> (log
/// scales in log space, integers widened by half a step), categorical ones as the index of the choice.
/// </summary>
internal sealed class TpeDimension
{
    // The internal range of a numeric parameter, computed once (encoding every trial is the cost of a fresh optimizer).
    private readonly double _internalLow;
    private readonly double _internalSpan;

    public TpeDimension(Parameter parameter, int spaceIndex)
    {
        Parameter = parameter;
        SpaceIndex = spaceIndex;
        switch (parameter)
        {
            case CategoricalParameter c:
                Kind = TpeDimensionKind.Categorical;
                ChoiceCount = c.Choices.Count;
                break;
            case NumericParameter n:
                Kind = n.IsInteger || n.Step is not null ? TpeDimensionKind.Discrete : TpeDimensionKind.Continuous;
                Numeric = n;
                _internalLow = n.InternalLow;
                _internalSpan = n.InternalHigh - n.InternalLow;
                break;
            default:
                throw new ArgumentException($"parameter '{parameter.Name}' has a kind TPE does not know");
        }
    }

    /// <summary>The parameter.</summary>
    public Parameter Parameter { get; }

    /// <summary>Its index in <see cref="SearchSpace.Parameters"/> (and in an encoded trial row).</summary>
    public int SpaceIndex { get; }

    /// <summary>How it is modelled.</summary>
    public TpeDimensionKind Kind { get; }

    /// <summary>The number of choices of a categorical parameter.</summary>
    public int ChoiceCount { get; }

    /// <summary>The parameter as numeric, when it is.</summary>
    public NumericParameter? Numeric { get; }

    /// <summary>
    /// The row value of a configuration's value: unit coordinate, or choice index; NaN when unknown. Numeric values
    /// go through the same operations as <see cref="NumericParameter.ToUnit"/>, with the range's ends computed once.
    /// </summary>
    public double Encode(object value)
    {
        if (Numeric is { } n)
        {
            double v;
            switch (value)
            {
                case double d: v = d; break;
                case long l: v = l; break;
                default:
                    if (!ParameterValues.IsNumber(value)) return double.NaN;
                    v = ParameterValues.ToDouble(value);
                    break;
            }
            var u = _internalSpan <= 0 ? 0.5 : ((n.Log ? Math.Log(v) : v) - _internalLow) / _internalSpan;
            return double.IsNaN(u) ? double.NaN : Math.Clamp(u, 0.0, 1.0);
        }
        var index = ((CategoricalParameter)Parameter).IndexOf(value);
        return index < 0 ? double.NaN : index;
    }

    /// <summary>
    /// Snaps a unit coordinate of a discrete parameter to its legal value and the part of the unit interval that
    /// maps to that value: every point of [lo, hi] decodes to it, which is the interval a kernel is integrated over.
    /// </summary>
    public (object Value, double Low, double High) SnapDiscrete(double unit)
    {
        var n = Numeric ?? throw new InvalidOperationException("not a numeric parameter");
        var value = n.FromUnit(unit);
        var v = ParameterValues.ToDouble(value);
        double step;
        bool isLast;
        if (n is IntParameter ip)
        {
            step = ip.IntStep ?? 1;
            isLast = v + step > ip.HighValue;
        }
        else
        {
            step = n.Step ?? throw new InvalidOperationException("not a discrete parameter");
            isLast = v + step > n.High + step * 1e-9;
        }
        var isFirst = v - step < n.Low;
        // Neighbouring values meet halfway (in value space; rounding happens there even on a log scale).
        var low = isFirst ? 0.0 : Math.Clamp(n.ToUnit(v - step / 2), 0.0, 1.0);
        var high = isLast ? 1.0 : Math.Clamp(n.ToUnit(v + step / 2), 0.0, 1.0);
        return (value, low, high);
    }

    /// <summary>Decodes a unit coordinate or choice index to the parameter's value.</summary>
    public object Decode(double x) => Numeric is { } n ? n.FromUnit(x) : ((CategoricalParameter)Parameter).Choices[(int)x];
}
