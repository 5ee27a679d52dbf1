namespace LayerScope.Reduction.Tsne;

/// <summary>How <see cref="TsneGradient"/> sums the attraction (benchmarks and tests compare them; the fit uses
/// <see cref="PackedFloat"/>).</summary>
internal enum TsneAttractionKernel
{
    /// <summary>One affinity at a time in double: the reference.</summary>
    OneAtATime,

    /// <summary>Four affinities per AVX2 step in double, x and y gathered separately (session 7).</summary>
    VectorDouble,

    /// <summary>Positions read from an interleaved float32 copy, four affinities per AVX2 step, terms summed in float32
    /// lanes, the lanes and a row's tail added in double.</summary>
    PackedFloat,
}
