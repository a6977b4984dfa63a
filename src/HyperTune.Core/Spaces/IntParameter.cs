namespace HyperTune.Core.Spaces;

/// <summary>An integer parameter in [Low, High], optionally log-scaled or restricted to <c>Low + k * Step</c>.</summary>
public sealed record IntParameter(string Name, long LowValue, long HighValue, bool Log = false, long? IntStep = null)
    : NumericParameter(Name, LowValue, HighValue, Log, IntStep)
{
    /// <inheritdoc />
    public override bool IsInteger => true;

    private long StepValue => IntStep ?? 1;

    /// <inheritdoc />
    public override object FromInternal(double x)
    {
        var v = Math.Clamp(FromInternalRaw(x), LowValue, HighValue);
        var k = Math.Round((v - LowValue) / StepValue, MidpointRounding.AwayFromZero);
        var maxK = (HighValue - LowValue) / StepValue;
        return LowValue + (long)Math.Clamp(k, 0, maxK) * StepValue;
    }

    /// <inheritdoc />
    public override bool Contains(object value) =>
        value is long l && l >= LowValue && l <= HighValue && (l - LowValue) % StepValue == 0;

    /// <inheritdoc />
    public override object Coerce(object value)
    {
        if (!ParameterValues.IsNumber(value)) throw new ArgumentException($"parameter '{Name}' expects an integer, got {ParameterValues.Format(value)}");
        var d = ParameterValues.ToDouble(value);
        if (d != Math.Floor(d)) throw new ArgumentException($"parameter '{Name}' expects an integer, got {ParameterValues.Format(d)}");
        var l = (long)d;
        if (!Contains(l)) throw new ArgumentException($"parameter '{Name}' value {l} is outside {Describe()}");
        return l;
    }

    /// <inheritdoc />
    public override long GridSize(int gridPoints)
    {
        var count = ValueCount;
        return IntStep is not null || count <= gridPoints ? count : base.GridSize(gridPoints);
    }

    // The number of legal values, saturating: the width of [long.MinValue, long.MaxValue] does not fit a long.
    private long ValueCount
    {
        get
        {
            var steps = unchecked((ulong)(HighValue - LowValue)) / (ulong)StepValue;
            return steps >= long.MaxValue ? long.MaxValue : (long)steps + 1;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int gridPoints)
    {
        var count = ValueCount;
        // A stepped or small integer range is enumerated whole; a wide unstepped one gets gridPoints values.
        if (IntStep is not null || count <= gridPoints)
            return Enumerable.Range(0, (int)Math.Min(count, int.MaxValue)).Select(k => (object)(LowValue + k * StepValue)).ToArray();
        if (gridPoints == 1) return new object[] { FromUnit(0.5) };
        return Enumerable.Range(0, gridPoints)
            .Select(i => FromInternal(ToInternal(LowValue) + (ToInternal(HighValue) - ToInternal(LowValue)) * i / (gridPoints - 1)))
            .Distinct()
            .ToArray();
    }
}
