using System.Diagnostics;
using Xunit;

namespace LayerScope.Testing;

/// <summary>A test of something only Unix file systems have (FIFOs); skipped on Windows.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs FIFOs (mkfifo), which Windows file systems do not have.";
    }

    /// <summary>Makes a FIFO at <paramref name="path"/> with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0) throw new InvalidOperationException($"mkfifo {path} exited with {mkfifo.ExitCode}.");
    }
}
