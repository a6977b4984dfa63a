namespace HyperTune.Core.Optimizers.Fidelity;

/// <summary>How a model-based optimizer learns from trials stopped early (pruned or paused).</summary>
public enum MultiFidelityMode
{
    /// <summary>
    /// The optimizer's measured best treatment: TPE ranks stopped trials after the completed ones by the step they
    /// reached; GP and RF fit the trials at a budget level (<see cref="BudgetLevel"/>). A history without stopped
    /// trials gives exactly the suggestions of <see cref="Off"/>.
    /// </summary>
    Auto,

    /// <summary>Always fit at a BOHB budget level (<see cref="BudgetLevel"/>) when trials stopped early.</summary>
    Level,

    /// <summary>As before trials could pause: paused trials are ignored, pruned ones treated as they were.</summary>
    Off,
}
