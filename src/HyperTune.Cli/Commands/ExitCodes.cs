namespace HyperTune.Cli.Commands;

/// <summary>Exit codes of the <c>hypertune</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Something failed while running (storage, cluster, a refused study), or a study ended without a completed trial.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a malformed spec, an unknown option value.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted (Ctrl-C, SIGTERM); the study is stored and resumes on the next run.</summary>
    public const int Interrupted = 130;
}
