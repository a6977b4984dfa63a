using System.Runtime.InteropServices;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// The CPU time (user and system) of this process's finished children, from <c>getrusage(RUSAGE_CHILDREN)</c>: read
/// before and after a benchmark's child process, it is what that child used. On a machine whose speed wanders
/// between runs, CPU time separates two builds better than trials per second does.
/// </summary>
internal static class ChildCpuTime
{
    private const int RusageChildren = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeValue
    {
        public long Seconds;
        public long Microseconds;
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public TimeValue User;
        public TimeValue System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)]
        public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out ResourceUsage usage);

    /// <summary>Seconds of CPU the finished children have used so far; null where it cannot be read.</summary>
    public static double? Seconds()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return null;
        try
        {
            if (getrusage(RusageChildren, out var u) != 0) return null;
            return u.User.Seconds + u.User.Microseconds / 1e6 + u.System.Seconds + u.System.Microseconds / 1e6;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The CPU seconds used between two readings, when both were read.</summary>
    public static double? Between(double? before, double? after) =>
        before is { } b && after is { } a ? Math.Max(0, a - b) : null;
}
