namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// The k nearest neighbours of each of <see cref="Count"/> points: row i of <see cref="Indices"/> and
/// <see cref="Distances"/> (each Count × K, row-major) lists i's neighbours by increasing distance. Neighbours of a
/// training point never include the point itself.
/// </summary>
public sealed class KnnGraph
{
    /// <summary>Wraps neighbour lists; both arrays hold <paramref name="count"/> × <paramref name="k"/> entries.</summary>
    public KnnGraph(int[] indices, float[] distances, int count, int k, DistanceMetric metric = DistanceMetric.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(distances);
        if (indices.LongLength != (long)count * k || distances.LongLength != (long)count * k)
            throw new ArgumentException($"A graph of {count} points with {k} neighbours needs {(long)count * k} indices and distances.");
        Indices = indices;
        Distances = distances;
        Count = count;
        K = k;
        Metric = metric;
    }

    /// <summary>Neighbour indices, Count × K.</summary>
    public int[] Indices { get; }

    /// <summary>Neighbour distances (not squared), Count × K.</summary>
    public float[] Distances { get; }

    /// <summary>The number of points whose neighbours are listed.</summary>
    public int Count { get; }

    /// <summary>Neighbours per point.</summary>
    public int K { get; }

    /// <summary>The metric of <see cref="Distances"/>.</summary>
    public DistanceMetric Metric { get; }

    /// <summary>The neighbour indices of point <paramref name="i"/>.</summary>
    public ReadOnlySpan<int> NeighborsOf(int i) => Indices.AsSpan(i * K, K);

    /// <summary>The neighbour distances of point <paramref name="i"/>.</summary>
    public ReadOnlySpan<float> DistancesOf(int i) => Distances.AsSpan(i * K, K);

    /// <summary>The same graph cut to the first <paramref name="k"/> neighbours of each point.</summary>
    public KnnGraph Truncate(int k)
    {
        if (k == K) return this;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, K);
        var indices = new int[(long)Count * k];
        var distances = new float[(long)Count * k];
        for (int i = 0; i < Count; i++)
        {
            Indices.AsSpan(i * K, k).CopyTo(indices.AsSpan(i * k, k));
            Distances.AsSpan(i * K, k).CopyTo(distances.AsSpan(i * k, k));
        }
        return new KnnGraph(indices, distances, Count, k, Metric);
    }
}
