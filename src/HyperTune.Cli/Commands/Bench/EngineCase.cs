namespace HyperTune.Cli.Commands.Bench;

/// <summary>One study of `bench engine`: its size, optimizer, storage and parallelism.</summary>
/// <param name="Trials">Trials of the study.</param>
/// <param name="Optimizer">random or tpe.</param>
/// <param name="Storage">memory or sqlite.</param>
/// <param name="Parallelism">Trials running at once.</param>
internal sealed record EngineCase(int Trials, string Optimizer, string Storage, int Parallelism)
{
    /// <summary>How the case is named in the table and the JSON.</summary>
    public string Name => $"{Trials} {Optimizer} {Storage} x{Parallelism}";
}
