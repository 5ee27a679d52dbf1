using System.Runtime.InteropServices;
using TorchSharp;

namespace LayerScope.Reduction;

/// <summary>How many threads a reduction uses: the <c>threads</c> setting (0 = every core), applied to parallel C#
/// loops and to libtorch.</summary>
internal static partial class ReductionThreads
{
    private static readonly bool PassiveWait = PreferPassiveOpenMpWait();

    /// <summary>
    /// libtorch's OpenMP threads spin for a while after each parallel region. Between libtorch calls, t-SNE and UMAP
    /// run their own .NET threads, which then compete with spinning threads for the same cores: measured on 2 cores,
    /// a 300 × 300 FFT convolution took 65 ms instead of 11 ms. OMP_WAIT_POLICY=PASSIVE makes the threads sleep; it is
    /// read when libgomp loads, so it is set (unless the user set it) before the first libtorch call. .NET keeps its own
    /// copy of the environment, hence the call to the C library.
    /// </summary>
    private static bool PreferPassiveOpenMpWait()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null && SetEnvironment("OMP_WAIT_POLICY", "PASSIVE", 0) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Turns on MKL's conditional numerical reproducibility (MKL_CBWR=AUTO) unless the user chose a mode. MKL reads the
    /// variable once, when it first runs, so this happens when LayerScope.Core loads, before any libtorch call (other
    /// work, such as training, may call MKL long before the first reduction). Without it, MKL may pick kernels by the
    /// memory alignment of the operands, and two runs with the same seed could differ in the last bits; t-SNE and UMAP
    /// amplify such differences (a CI run on another processor saw two equal runs diverge).
    /// </summary>
#pragma warning disable CA2255 // A library module initializer is the only point that runs before any libtorch call.
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void PreferReproducibleMkl()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MKL_CBWR") is not null) return;
        try
        {
            SetEnvironment("MKL_CBWR", "AUTO", 0);
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);

    /// <summary>The effective thread count for the setting <paramref name="threads"/>.</summary>
    public static int Resolve(int threads) => threads > 0 ? threads : Environment.ProcessorCount;

    /// <summary>Parallel options limited to <paramref name="threads"/>.</summary>
    public static ParallelOptions Options(int threads, CancellationToken cancellationToken = default) =>
        new() { MaxDegreeOfParallelism = Resolve(threads), CancellationToken = cancellationToken };

    /// <summary>Tells libtorch how many threads its kernels (GEMM, SVD, FFT) may use.</summary>
    public static void ApplyToTorch(int threads)
    {
        _ = PassiveWait;
        int n = Resolve(threads);
        if (torch.get_num_threads() != n) torch.set_num_threads(n);
    }

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, <paramref name="count"/>) in chunks of
    /// <paramref name="chunk"/> on up to <paramref name="threads"/> threads. Chunk boundaries do not depend on the
    /// thread count, so per-chunk partial sums reduced in chunk order are reproducible.</summary>
    public static void ForChunks(int count, int chunk, int threads, Action<int, int, int> body)
    {
        int chunks = (count + chunk - 1) / chunk;
        if (chunks <= 1 || Resolve(threads) == 1)
        {
            for (int c = 0; c < chunks; c++) body(c, c * chunk, Math.Min(count, (c + 1) * chunk));
            return;
        }
        Parallel.For(0, chunks, Options(threads), c => body(c, c * chunk, Math.Min(count, (c + 1) * chunk)));
    }
}
