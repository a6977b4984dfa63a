using Akka.Configuration;
using HyperTune.Core.Specs;

namespace HyperTune.Cluster.Hosting;

/// <summary>The <c>hypertune.limits</c> section of the node config: the limits a submitted spec must respect.</summary>
public static class SpecLimitsSettings
{
    /// <summary>Reads the section; a missing key takes its <see cref="SpecLimits.Default"/>.</summary>
    /// <exception cref="ArgumentException">A limit is zero or negative.</exception>
    public static SpecLimits From(Config config)
    {
        var d = SpecLimits.Default;
        var c = config.GetConfig("hypertune.limits");
        if (c is null || c.IsEmpty) return d;
        return new SpecLimits(
            MaxSpecBytes: ReadBytes(c, "max-spec-bytes", d.MaxSpecBytes),
            MaxCategoricalChoices: c.GetInt("max-categorical-choices", d.MaxCategoricalChoices),
            MaxGridPoints: c.GetLong("max-grid-points", d.MaxGridPoints),
            MaxParameters: c.GetInt("max-parameters", d.MaxParameters),
            MaxChoiceLength: c.GetInt("max-choice-length", d.MaxChoiceLength),
            MaxModelDimensions: c.GetInt("max-model-dimensions", d.MaxModelDimensions)).Validated();
    }

    // HOCON sizes ("1 MiB", "512k") or a plain number of bytes.
    private static int ReadBytes(Config c, string key, int defaultValue)
    {
        if (!c.HasPath(key)) return defaultValue;
        var bytes = c.GetByteSize(key) ?? defaultValue;
        if (bytes > int.MaxValue) throw new ArgumentException($"hypertune.limits.{key} must be at most {int.MaxValue} bytes");
        return (int)bytes;
    }
}
