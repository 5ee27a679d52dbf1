using LayerScope.Reduction.Pca;
using LayerScope.Reduction.Tsne;
using LayerScope.Reduction.Umap;

namespace LayerScope.Reduction;

/// <summary>Builds the reducer of a method with the library's defaults, fitted to the number of points (a smaller
/// perplexity or neighbourhood for small data sets), so callers that only choose a method get the same settings.</summary>
public static class Reducers
{
    /// <summary>The reducer of <paramref name="method"/> for <paramref name="points"/> points in <paramref name="dimensions"/> dimensions.</summary>
    public static IReducer Create(ReductionMethod method, int points, int seed, int dimensions = 2) => method switch
    {
        ReductionMethod.Raw => new RawReducer(),
        ReductionMethod.Pca => new PcaReducer(new PcaOptions { Components = dimensions, Seed = seed }),
        ReductionMethod.Umap => new UmapReducer(new UmapOptions { Dimensions = dimensions, Seed = seed, Neighbors = Math.Max(2, Math.Min(new UmapOptions().Neighbors, points - 1)) }),
        ReductionMethod.Tsne => new TsneReducer(new TsneOptions { Dimensions = dimensions, Seed = seed, Perplexity = TsneOptions.PerplexityFor(points) }),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a reduction method"),
    };
}
