using HyperTune.Core.Specs;

namespace HyperTune.Core.Optimizers.Fidelity;

/// <summary>
/// The multi-fidelity settings shared by TPE, GP, RF and auto: <c>multiFidelity</c> (<c>"auto"</c>, <c>"level"</c>
/// or <c>"off"</c>, default auto; see <see cref="MultiFidelityMode"/>) and <c>fidelityMinTrials</c> (how many
/// trials a budget level needs; default 0 = the optimizer's own minimum, max(startup trials, dimensions + 1)).
/// </summary>
public sealed record MultiFidelitySettings
{
    /// <summary>The settings every optimizer starts from.</summary>
    public static MultiFidelitySettings Default { get; } = new();

    /// <summary>How stopped trials are learnt from. Default <see cref="MultiFidelityMode.Auto"/>.</summary>
    public MultiFidelityMode Mode { get; init; } = MultiFidelityMode.Auto;

    /// <summary>Trials a budget level needs; 0 lets the optimizer choose. Default 0.</summary>
    public int MinTrials { get; init; }

    /// <summary>Reads the two fields from an optimizer's settings (the caller checks for unknown fields).</summary>
    /// <exception cref="SpecException">A value is out of range; the exception names the field.</exception>
    public static MultiFidelitySettings Read(JsonSettings r) => new()
    {
        Mode = r.GetString("multiFidelity", "auto", "auto", "level", "off") switch
        {
            "off" => MultiFidelityMode.Off,
            "level" => MultiFidelityMode.Level,
            _ => MultiFidelityMode.Auto,
        },
        MinTrials = r.GetInt("fidelityMinTrials", 0, 0, 1_000_000),
    };

    /// <summary>
    /// The budget level of a history for an optimizer whose own minimum is <paramref name="defaultMinTrials"/>;
    /// null when the mode is off or the history has no trial stopped early.
    /// </summary>
    public BudgetLevel? Project(Studies.TrialHistory history, int defaultMinTrials) =>
        Mode == MultiFidelityMode.Off ? null : BudgetLevel.Of(history, MinTrials > 0 ? MinTrials : defaultMinTrials);
}
