namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// A fact that runs only when <c>HYPERTUNE_WRITE_JOURNAL_FIXTURE</c> names a file to write: it makes a fixture,
/// it does not test anything, so it is skipped in ordinary runs.
/// </summary>
public sealed class JournalFixtureFactAttribute : FactAttribute
{
    /// <summary>The variable naming the fixture file to write.</summary>
    public const string Variable = "HYPERTUNE_WRITE_JOURNAL_FIXTURE";

    /// <summary>Skips unless the variable is set.</summary>
    public JournalFixtureFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"writes a journal fixture; set {Variable}=PATH to run it";
    }
}
