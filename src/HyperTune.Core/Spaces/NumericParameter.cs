using HyperTune.Core.Randomness;

namespace HyperTune.Core.Spaces;

/// <summary>
/// A float or integer parameter on a linear or log scale. Model-based optimizers work in an internal coordinate:
/// the value itself on a linear scale, its natural log on a log scale, and for integers a range widened by half a
/// step on each side so every integer owns an equal share of it. <see cref="ToUnit"/> maps that range to [0, 1].
/// </summary>
public abstract record NumericParameter(string Name, double Low, double High, bool Log, double? Step) : Parameter(Name)
{
    /// <summary>True for integer parameters.</summary>
    public abstract bool IsInteger { get; }

    /// <summary>The lower end of the internal coordinate.</summary>
    public double InternalLow => ToInternalRaw(Low - HalfStepForWidening);

    /// <summary>The upper end of the internal coordinate.</summary>
    public double InternalHigh => ToInternalRaw(High + HalfStepForWidening);

    private double HalfStepForWidening => IsInteger ? (Step ?? 1) / 2.0 : 0.0;

    /// <summary>Maps a value to the internal coordinate (log for log scales).</summary>
    public double ToInternal(object value) => ToInternalRaw(ParameterValues.ToDouble(value));

    /// <summary>Maps an internal coordinate back to a legal value (clamped, rounded to the step or to an integer).</summary>
    public abstract object FromInternal(double x);

    /// <summary>Maps a value into [0, 1] over the internal range.</summary>
    public double ToUnit(object value)
    {
        var span = InternalHigh - InternalLow;
        return span <= 0 ? 0.5 : (ToInternal(value) - InternalLow) / span;
    }

    /// <summary>Maps a point of [0, 1] back to a legal value.</summary>
    public object FromUnit(double u) => FromInternal(InternalLow + Math.Clamp(u, 0, 1) * (InternalHigh - InternalLow));

    /// <inheritdoc />
    public override object Sample(SeededRandom random) => FromInternal(random.NextDouble(InternalLow, InternalHigh));

    private double ToInternalRaw(double v) => Log ? Math.Log(v) : v;

    /// <summary>Inverse of the internal transform, without clamping or rounding.</summary>
    protected double FromInternalRaw(double x) => Log ? Math.Exp(x) : x;

    /// <summary>Snaps a linear value to <c>Low + k * Step</c> inside the bounds.</summary>
    protected double SnapToStep(double v, double step)
    {
        var k = Math.Round((v - Low) / step);
        var maxK = Math.Floor((High - Low) / step + 1e-9);
        return Low + Math.Clamp(k, 0, maxK) * step;
    }

    /// <inheritdoc />
    public override string Describe() =>
        $"{(IsInteger ? "int" : "float")} [{ParameterValues.Format(Low)}, {ParameterValues.Format(High)}]" +
        (Log ? " log" : "") + (Step is { } s ? $" step {ParameterValues.Format(s)}" : "");
}
