using System.Globalization;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// The trial attributes CMA-ES uses for its bookkeeping. A generation member carries its study-wide generation
/// number, its index in the generation and its run (restart) number; a startup trial carries its index in the
/// initial design.
/// </summary>
public static class CmaEsAttributes
{
    /// <summary>The study-wide generation number of a member (0, 1, ...; continues across restarts).</summary>
    public const string Generation = "cmaes.generation";

    /// <summary>The member's index in its generation, in the order members were suggested.</summary>
    public const string Index = "cmaes.index";

    /// <summary>The run (0 for the first, then one more per restart) of the distribution the member was drawn from.</summary>
    public const string Run = "cmaes.run";

    /// <summary>
    /// Present when a member was drawn before its generation's distribution existed (more trials in flight than a
    /// generation has places): the generation whose distribution it was drawn from.
    /// </summary>
    public const string Source = "cmaes.source";

    /// <summary>The index of a startup trial in the initial design.</summary>
    public const string Startup = "cmaes.startup";

    /// <summary>Reads a non-negative integer attribute.</summary>
    public static int? Read(TrialRecord trial, string name) =>
        trial.Attributes.TryGetValue(name, out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>Formats an integer attribute value.</summary>
    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
