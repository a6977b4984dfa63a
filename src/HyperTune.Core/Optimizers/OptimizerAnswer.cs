namespace HyperTune.Core.Optimizers;

/// <summary>What an optimizer answers when asked for the next trial.</summary>
public enum OptimizerAnswerKind
{
    /// <summary>A configuration to evaluate (<see cref="OptimizerAnswer.Suggestion"/>).</summary>
    Suggest,

    /// <summary>
    /// Nothing to suggest until running trials report (a generation or rung barrier): ask again after the next
    /// result. The study keeps running.
    /// </summary>
    Wait,

    /// <summary>Nothing more to try, ever (a grid that is used up): the study ends when its running trials do.</summary>
    Exhausted,
}

/// <summary>
/// An optimizer's answer: a configuration, wait, or exhausted. Before these were explicit, <c>null</c> meant
/// exhausted and there was no way to say "not yet".
/// </summary>
public sealed record OptimizerAnswer
{
    private OptimizerAnswer(OptimizerAnswerKind kind, TrialSuggestion? suggestion, string? reason)
    {
        Kind = kind;
        Suggestion = suggestion;
        Reason = reason;
    }

    /// <summary>Which of the three answers this is.</summary>
    public OptimizerAnswerKind Kind { get; }

    /// <summary>The configuration, for <see cref="OptimizerAnswerKind.Suggest"/>; null otherwise.</summary>
    public TrialSuggestion? Suggestion { get; }

    /// <summary>Why the optimizer waits or is exhausted (for logs and the study's finish reason).</summary>
    public string? Reason { get; }

    /// <summary>A configuration to evaluate.</summary>
    public static OptimizerAnswer Suggest(TrialSuggestion suggestion) =>
        new(OptimizerAnswerKind.Suggest, suggestion ?? throw new ArgumentNullException(nameof(suggestion)), null);

    /// <summary>Nothing to suggest until running trials report.</summary>
    public static OptimizerAnswer Wait(string reason) => new(OptimizerAnswerKind.Wait, null, reason);

    /// <summary>Nothing more to try.</summary>
    public static OptimizerAnswer Exhausted(string reason) => new(OptimizerAnswerKind.Exhausted, null, reason);

    /// <summary>Lets an optimizer return a suggestion directly.</summary>
    public static implicit operator OptimizerAnswer(TrialSuggestion suggestion) => Suggest(suggestion);
}
