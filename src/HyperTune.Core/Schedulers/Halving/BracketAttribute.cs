using System.Collections.Immutable;
using System.Globalization;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Halving;

/// <summary>The <c>scheduler.bracket</c> trial attribute: which bracket a halving scheduler put the trial in.</summary>
public static class BracketAttribute
{
    /// <summary>The attribute's name.</summary>
    public const string Name = "scheduler.bracket";

    /// <summary>The trial's bracket, or null when it has none.</summary>
    public static int? Of(TrialRecord trial) =>
        trial.Attributes.TryGetValue(Name, out var s) &&
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;

    /// <summary>The attributes that put a new trial in <paramref name="bracket"/>.</summary>
    public static ImmutableDictionary<string, string> For(int bracket) =>
        ImmutableDictionary<string, string>.Empty.Add(Name, bracket.ToString(CultureInfo.InvariantCulture));
}
