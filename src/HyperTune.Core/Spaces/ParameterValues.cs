using System.Globalization;

namespace HyperTune.Core.Spaces;

/// <summary>
/// Parameter values are plain CLR values: <see cref="double"/> for floats, <see cref="long"/> for integers, and for
/// categorical choices whatever JSON gave (string, bool, long or double). These helpers compare and format them.
/// </summary>
public static class ParameterValues
{
    /// <summary>True when two values denote the same choice (numbers compare by value, so 1 equals 1.0).</summary>
    public static new bool Equals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return ToDouble(a) == ToDouble(b);
        return a.Equals(b);
    }

    /// <summary>A hash consistent with <see cref="Equals(object?, object?)"/>.</summary>
    public static int GetHashCode(object? value) => value switch
    {
        null => 0,
        _ when IsNumber(value) => ToDouble(value).GetHashCode(),
        _ => value.GetHashCode(),
    };

    /// <summary>True for the numeric representations a value may have.</summary>
    public static bool IsNumber(object value) => value is double or long or int or float or decimal;

    /// <summary>The numeric value of a number.</summary>
    public static double ToDouble(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    /// <summary>A short, culture-independent text for tables and logs.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Normalizes a value to its canonical representation (int to long, float to double).</summary>
    public static object Canonical(object value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        float f => (double)f,
        decimal m => (double)m,
        _ => value,
    };
}
