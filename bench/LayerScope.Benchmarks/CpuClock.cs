using System.Runtime.InteropServices;

namespace LayerScope.Benchmarks;

/// <summary>CPU time in seconds. <see cref="Process"/>: the process's (user + system, all threads), clock_gettime's
/// CLOCK_PROCESS_CPUTIME_ID on Linux, which counts nanoseconds (Process.TotalProcessorTime there counts 10 ms
/// ticks, too coarse for one recorder call or a 150 ms banknote run); TotalProcessorTime elsewhere.</summary>
internal static class CpuClock
{
    private const int ProcessCpuTimeId = 2, ThreadCpuTimeId = 3;

    public static double Process() => OperatingSystem.IsLinux()
        ? Read(ProcessCpuTimeId)
        : System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID); elsewhere than on Linux the process's.</summary>
    public static double Thread() => OperatingSystem.IsLinux() ? Read(ThreadCpuTimeId) : Process();

    private static double Read(int clock)
    {
        ClockGetTime(clock, out var time);
        return time.Seconds + time.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
