using System.Collections.Immutable;
using System.Reflection;
using HyperTune.Core.Spaces;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// Builds an instance of any study event from its constructor with a distinct, awkward, non-default value for every
/// parameter, so a field the format forgets to map comes back different and the round trip fails.
/// </summary>
public static class EventSamples
{
    /// <summary>Every concrete study event type of the product.</summary>
    public static IReadOnlyList<Type> EventTypes { get; } = typeof(IStudyEvent).Assembly.GetTypes()
        .Where(t => typeof(IStudyEvent).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>An instance of <paramref name="type"/>; nullable parameters are null when asked.</summary>
    public static IStudyEvent Create(Type type, bool nullsWhereAllowed = false)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = constructor.GetParameters().Select((p, i) => Sample(p, i, nullsWhereAllowed)).ToArray();
        return (IStudyEvent)constructor.Invoke(args);
    }

    private static object? Sample(ParameterInfo p, int index, bool nulls)
    {
        var type = p.ParameterType;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (nulls) return null;
            type = underlying;
        }
        else if (nulls && !type.IsValueType
                 && new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable)
        {
            return null;
        }
        if (type == typeof(int)) return 40 + index;
        if (type == typeof(long)) return (1L << 40) + index;
        if (type == typeof(double)) return 0.1 * (index + 1) + 0.2;
        if (type == typeof(bool)) return true;
        if (type == typeof(string)) return $"text {index}: \"quoted\"\n\tünï\\";
        if (type == typeof(DateTimeOffset))
            return new DateTimeOffset(2026, 12, 6, 7, 8, 9, new TimeSpan(5, 45, 0)).AddTicks(1_234_567 + index);
        if (type == typeof(Configuration))
            return Configuration.From(new Dictionary<string, object>
            {
                ["int"] = 3L, ["float"] = 3.0, ["sum"] = 0.1 + 0.2, ["name"] = "adam", ["flag"] = false,
            });
        if (type == typeof(ImmutableDictionary<string, string>))
            return ImmutableDictionary<string, string>.Empty.Add("scheduler.bracket", "2").Add("é", "\"x\"\n");
        if (type == typeof(ImmutableDictionary<string, double>))
            return ImmutableDictionary<string, double>.Empty.Add("loss", 0.1 + 0.2).Add("nan", double.NaN)
                .Add("inf", double.NegativeInfinity).Add("zero", -0.0).Add("tiny", double.Epsilon);
        throw new NotSupportedException(
            $"no sample for a {type.Name} (parameter '{p.Name}' of {p.Member.DeclaringType?.Name}): add one here");
    }
}
