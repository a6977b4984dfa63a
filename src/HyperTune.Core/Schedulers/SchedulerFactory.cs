using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers;

/// <summary>Creates schedulers by the name a spec gives in <c>scheduler.type</c>.</summary>
public static class SchedulerFactory
{
    private delegate ITrialScheduler Create_(SchedulerSpec spec, StudyDirection direction);

    // One line per scheduler. Each constructor reads its settings from spec.Reader() and rejects unknown fields.
    private static readonly Dictionary<string, Create_> Registry = new(StringComparer.OrdinalIgnoreCase)
    {
        [RunToCompletionScheduler.TypeName] = (spec, _) =>
        {
            spec.Reader().EnsureNoUnknownFields();
            return new RunToCompletionScheduler();
        },
    };

    /// <summary>The scheduler names a spec may use.</summary>
    public static IReadOnlyList<string> KnownTypes => Registry.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="type"/> names a scheduler.</summary>
    public static bool IsKnown(string type) => Registry.ContainsKey(type);

    /// <summary>Creates the scheduler a spec asks for, validating its settings.</summary>
    /// <exception cref="SpecException">Unknown type or bad settings, naming the field.</exception>
    public static ITrialScheduler Create(SchedulerSpec spec, StudyDirection direction)
    {
        if (!Registry.TryGetValue(spec.Type, out var create))
            throw new SpecException("scheduler.type", $"unknown scheduler '{spec.Type}'; known: {string.Join(", ", KnownTypes)}{JsonSettings.Suggest(spec.Type, KnownTypes)}");
        return create(spec, direction);
    }
}
