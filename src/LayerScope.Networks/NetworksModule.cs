namespace LayerScope;

/// <summary>Runs when LayerScope.Networks loads.</summary>
internal static class NetworksModule
{
    /// <summary>Training may call MKL (through libtorch) before anything of LayerScope.Core has run, so this assembly
    /// makes the same reproducibility setting when it loads (<see cref="Reduction.ReductionThreads.PreferReproducibleMkl"/>;
    /// calling it twice is harmless).</summary>
#pragma warning disable CA2255 // A library module initializer is the only point that runs before any libtorch call.
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => Reduction.ReductionThreads.PreferReproducibleMkl();
}
