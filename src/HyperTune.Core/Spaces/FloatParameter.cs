namespace HyperTune.Core.Spaces;

/// <summary>A real-valued parameter in [Low, High], optionally log-scaled or restricted to multiples of a step.</summary>
public sealed record FloatParameter(string Name, double Low, double High, bool Log = false, double? Step = null)
    : NumericParameter(Name, Low, High, Log, Step)
{
    /// <inheritdoc />
    public override bool IsInteger => false;

    /// <inheritdoc />
    public override object FromInternal(double x)
    {
        var v = Math.Clamp(FromInternalRaw(x), Low, High);
        return Step is { } step ? SnapToStep(v, step) : v;
    }

    /// <inheritdoc />
    public override bool Contains(object value)
    {
        if (value is not double d || double.IsNaN(d) || d < Low || d > High) return false;
        if (Step is not { } step) return true;
        var k = (d - Low) / step;
        return Math.Abs(k - Math.Round(k)) < 1e-6;
    }

    /// <inheritdoc />
    public override object Coerce(object value)
    {
        if (!ParameterValues.IsNumber(value)) throw new ArgumentException($"parameter '{Name}' expects a number, got {ParameterValues.Format(value)}");
        var d = ParameterValues.ToDouble(value);
        if (!Contains(d)) throw new ArgumentException($"parameter '{Name}' value {ParameterValues.Format(d)} is outside {Describe()}");
        return d;
    }

    /// <inheritdoc />
    public override long GridSize(int gridPoints)
    {
        if (Step is not { } step) return base.GridSize(gridPoints);
        var count = Math.Floor((High - Low) / step + 1e-9) + 1;
        // Compared as doubles: a huge count does not fit a long.
        return count >= long.MaxValue ? long.MaxValue : (long)count;
    }

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int gridPoints)
    {
        if (Step is { } step)
        {
            var count = (long)Math.Floor((High - Low) / step + 1e-9) + 1;
            return Enumerable.Range(0, (int)Math.Min(count, int.MaxValue)).Select(k => (object)(Low + k * step)).ToArray();
        }
        if (gridPoints == 1 || Low == High) return new object[] { FromUnit(0.5) };
        return Enumerable.Range(0, gridPoints)
            .Select(i => FromInternal(InternalLow + (InternalHigh - InternalLow) * i / (gridPoints - 1)))
            .Distinct()
            .ToArray();
    }
}
