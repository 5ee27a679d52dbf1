namespace LayerScope.Reduction.Neighbors;

/// <summary>A random-projection tree: each node splits its points by the hyperplane halfway between two of them,
/// down to leaves of at most <see cref="LeafSize"/> points. Nearby points tend to share leaves.</summary>
internal sealed class RandomProjectionTree
{
    private readonly DenseMatrix _data;
    private readonly List<float[]> _normals = [];
    private readonly List<float> _offsets = [];
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];
    private readonly List<int> _leafOf = [];

    public RandomProjectionTree(DenseMatrix data, int leafSize, int seed)
    {
        _data = data;
        LeafSize = leafSize;
        var random = new Random(seed);
        var indices = Enumerable.Range(0, data.Rows).ToArray();
        Build(indices, 0, indices.Length, random, 0);
    }

    public int LeafSize { get; }

    public List<int[]> Leaves { get; } = [];

    /// <summary>The leaf a (new) point falls into.</summary>
    public int[] Leaf(ReadOnlySpan<float> point)
    {
        int node = 0;
        while (_leafOf[node] < 0)
            node = Side(_normals[node], _offsets[node], point) ? _right[node] : _left[node];
        return Leaves[_leafOf[node]];
    }

    private static bool Side(float[] normal, float offset, ReadOnlySpan<float> point) =>
        NeighborDistances.Dot(normal, point) + offset > 0;

    private int Build(int[] indices, int start, int end, Random random, int depth)
    {
        int node = _normals.Count;
        _normals.Add([]);
        _offsets.Add(0);
        _left.Add(-1);
        _right.Add(-1);
        _leafOf.Add(-1);
        int count = end - start;
        if (count <= LeafSize || depth > 60)
        {
            _leafOf[node] = Leaves.Count;
            Leaves.Add(indices[start..end]);
            return node;
        }
        int d = _data.Columns;
        int a = indices[start + random.Next(count)], b = indices[start + random.Next(count)];
        for (int attempt = 0; attempt < 8 && NeighborDistances.SquaredEuclidean(_data.Row(a), _data.Row(b)) == 0; attempt++)
            b = indices[start + random.Next(count)];
        var normal = new float[d];
        float offset = 0;
        var ra = _data.Row(a);
        var rb = _data.Row(b);
        for (int j = 0; j < d; j++)
        {
            normal[j] = ra[j] - rb[j];
            offset -= normal[j] * (ra[j] + rb[j]) / 2;
        }
        int low = start, high = end - 1;
        while (low <= high)
        {
            if (Side(normal, offset, _data.Row(indices[low]))) low++;
            else { (indices[low], indices[high]) = (indices[high], indices[low]); high--; }
        }
        int middle = low;
        if (middle == start || middle == end)
        {
            // All points on one side (duplicates): split the list in halves.
            middle = start + count / 2;
            Array.Clear(normal);
            offset = 0;
        }
        _normals[node] = normal;
        _offsets[node] = offset;
        // Left holds the points for which Side is true (the first part), matching Leaf().
        _right[node] = Build(indices, start, middle, random, depth + 1);
        _left[node] = Build(indices, middle, end, random, depth + 1);
        return node;
    }
}
