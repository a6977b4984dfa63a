namespace HyperTune.Core.Studies;

/// <summary>
/// A bound a trial's reported metric must respect (<c>"constraints": [{"metric": "memory_mb", "max": 512}]</c>): a
/// trial that breaks it is infeasible, whatever its objective values.
/// </summary>
/// <param name="Metric">The reported metric the bound is on.</param>
/// <param name="Min">The smallest allowed value, if any.</param>
/// <param name="Max">The largest allowed value, if any.</param>
public sealed record MetricConstraint(string Metric, double? Min, double? Max)
{
    /// <summary>
    /// How far <paramref name="value"/> lies outside the bounds (0 when it respects them); a missing or non-finite
    /// value violates the constraint without measure (positive infinity).
    /// </summary>
    public double Violation(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return double.PositiveInfinity;
        var below = Min is { } min && v < min ? min - v : 0;
        var above = Max is { } max && v > max ? v - max : 0;
        return below + above;
    }

    /// <summary>The violation of this bound by a trial's reported <paramref name="metrics"/> (see <see cref="Violation"/>).</summary>
    public double ViolationIn(IReadOnlyDictionary<string, double> metrics) =>
        Violation(metrics.TryGetValue(Metric, out var value) ? value : null);

    /// <summary>The bound as a user wrote it (<c>memory_mb &lt;= 512</c>).</summary>
    public override string ToString() => (Min, Max) switch
    {
        ({ } min, { } max) => $"{min} <= {Metric} <= {max}",
        ({ } min, null) => $"{Metric} >= {min}",
        (null, { } max) => $"{Metric} <= {max}",
        _ => Metric,
    };
}
