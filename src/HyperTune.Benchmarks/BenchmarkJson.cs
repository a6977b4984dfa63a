using System.Text;
using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>The JSON conventions every benchmark report shares: non-finite numbers as null, regret lists, skips.</summary>
public static class BenchmarkJson
{
    /// <summary>Writes a number, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    public static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>Writes the per-seed regrets (null where no trial finished).</summary>
    public static void WriteRegrets(Utf8JsonWriter w, IEnumerable<double> regrets)
    {
        w.WriteStartArray("regrets");
        foreach (var regret in regrets)
        {
            if (double.IsFinite(regret)) w.WriteNumberValue(regret);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// Writes the <c>skipped</c> list; <paramref name="setupField"/> names what was skipped (<c>optimizer</c>,
    /// <c>setup</c>); with <paramref name="withProblem"/> each entry also names its problem (null: every problem).
    /// </summary>
    public static void WriteSkipped(Utf8JsonWriter w, IEnumerable<SkippedBenchmark> skipped, string setupField, bool withProblem)
    {
        w.WriteStartArray("skipped");
        foreach (var s in skipped)
        {
            w.WriteStartObject();
            w.WriteString(setupField, s.Optimizer);
            if (withProblem)
            {
                if (s.Problem is null) w.WriteNull("problem");
                else w.WriteString("problem", s.Problem);
            }
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The text a report's writer produces.</summary>
    public static string ToText(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a report to a file.</summary>
    public static void Save(string path, Action<Stream> write)
    {
        using var file = File.Create(path);
        write(file);
    }
}
