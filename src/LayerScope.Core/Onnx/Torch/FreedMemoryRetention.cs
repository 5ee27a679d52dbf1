using System.Runtime.InteropServices;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// Tells glibc's malloc to keep memory that libtorch frees, once per process (<see cref="OnnxTorchOptions.KeepFreedMemory"/>).
/// libtorch's CPU allocator takes every tensor from malloc and gives it back at once, with no cache of its own. A
/// pass at batch 256 allocates intermediates of about 2 MB; by default glibc serves those with fresh mmap'd pages or
/// returns the top of its heap to the kernel when they are freed, so every pass page-faults its buffers in again
/// (measured on the CNN fixture, one thread: 8.6 ms of node time against 7.6 ms with the memory kept; the second
/// 3×3 convolution alone 2.4 against 1.7 ms). With two threads the faults also serialize the threads on the
/// kernel's address-space lock. ONNX Runtime keeps an arena for the same reason.
/// </summary>
internal static class FreedMemoryRetention
{
    // mallopt parameters (malloc.h).
    private const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3;
    // The largest threshold glibc accepts on 64-bit (half its 64 MiB heap size): blocks up to this come from the heap.
    private const int LargestHeapBlock = 32 << 20;
    // Free memory the heap keeps at its top before giving any back: several passes' worth of intermediates.
    private const int KeptAtTop = 256 << 20;
    // Grow the heap by this much more than asked, so a pass's first large tensors need fewer heap extensions.
    private const int GrowthPad = 16 << 20;

    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>True once the settings are in effect (Linux with glibc); false elsewhere, where nothing changes.</summary>
    public static bool Ensure() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Only glibc has these parameters (musl has no mallopt worth the name): its version call tells them apart.
            if (GnuLibcVersion() == IntPtr.Zero) return false;
            return Mallopt(MmapThreshold, LargestHeapBlock) == 1 & Mallopt(TrimThreshold, KeptAtTop) == 1 & Mallopt(TopPad, GrowthPad) == 1;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuLibcVersion();
}
