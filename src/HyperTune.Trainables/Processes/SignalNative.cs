using System.Runtime.InteropServices;

namespace HyperTune.Trainables.Processes;

/// <summary>POSIX signals, which .NET's <see cref="System.Diagnostics.Process"/> cannot send except SIGKILL.</summary>
internal static class SignalNative
{
    /// <summary>SIGTERM's number (the same on Linux and macOS).</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL's number.</summary>
    public const int SigKill = 9;

    /// <summary>kill(2): sends <paramref name="signal"/> to process <paramref name="pid"/>; 0 on success.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);
}
