namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// Exact k nearest neighbours among the points of a low-dimensional embedding (2 or 3 columns) by a k-d tree: a
/// query visits the leaves near it, not all N points. The quality metrics score an embedding's neighbours this way; a
/// GEMM over all points writes N distances per query, which at 1,000,000 points of a 2-D embedding cost minutes
/// for a 10,000-point sample, where the tree takes well under a second.
/// </summary>
/// <remarks>J. L. Bentley, "Multidimensional binary search trees used for associative searching", CACM 1975; the
/// nearest-neighbour search of J. H. Friedman, J. L. Bentley and R. A. Finkel, ACM TOMS 1977 (descend to the nearer
/// side first, visit the farther side only when the splitting plane lies closer than the k-th best so far). Ties in
/// distance go to the lower index, so the neighbours are those of a brute-force scan that keeps the first of equals.
/// </remarks>
internal sealed class KdTree
{
    private const int LeafSize = 16;
    private readonly DenseMatrix _points;
    private readonly int[] _order;
    // Node arrays: a leaf holds _order[_start.._end); an inner node splits on _dimension at _split, its children
    // being _left (coordinates ≤ split) and _left + 1's sibling in _right.
    private readonly List<int> _start = [], _end = [], _dimension = [], _left = [], _right = [];
    private readonly List<float> _split = [];

    public KdTree(DenseMatrix points)
    {
        _points = points;
        _order = Enumerable.Range(0, points.Rows).ToArray();
        Build(0, points.Rows);
    }

    /// <summary>The <paramref name="k"/> points nearest to <paramref name="query"/> other than index
    /// <paramref name="exclude"/> (−1: none), nearest first, into <paramref name="indices"/> and their squared
    /// distances into <paramref name="distances"/>.</summary>
    public void Nearest(ReadOnlySpan<float> query, int k, int exclude, Span<int> indices, Span<float> distances)
    {
        distances.Slice(0, k).Fill(float.PositiveInfinity);
        indices.Slice(0, k).Fill(int.MaxValue);
        Search(0, query, k, exclude, indices, distances);
    }

    private void Search(int node, ReadOnlySpan<float> query, int k, int exclude, Span<int> indices, Span<float> distances)
    {
        if (_dimension[node] < 0)
        {
            for (int p = _start[node]; p < _end[node]; p++)
            {
                int j = _order[p];
                if (j == exclude) continue;
                float d = NeighborDistances.SquaredEuclidean(query, _points.Row(j));
                if (d > distances[k - 1] || (d == distances[k - 1] && j > indices[k - 1])) continue;
                int slot = k - 1;
                while (slot > 0 && (distances[slot - 1] > d || (distances[slot - 1] == d && indices[slot - 1] > j)))
                {
                    distances[slot] = distances[slot - 1];
                    indices[slot] = indices[slot - 1];
                    slot--;
                }
                distances[slot] = d;
                indices[slot] = j;
            }
            return;
        }
        float offset = query[_dimension[node]] - _split[node];
        int near = offset <= 0 ? _left[node] : _right[node], far = offset <= 0 ? _right[node] : _left[node];
        Search(near, query, k, exclude, indices, distances);
        // ≤, not <: a point on the plane at the k-th distance may still win its tie by a lower index.
        if (offset * offset <= distances[k - 1]) Search(far, query, k, exclude, indices, distances);
    }

    private int Build(int start, int end)
    {
        int node = _start.Count;
        _start.Add(start); _end.Add(end); _dimension.Add(-1); _split.Add(0); _left.Add(-1); _right.Add(-1);
        if (end - start <= LeafSize) return node;
        // Split the widest coordinate at its median: balanced depth whatever the density.
        int dims = _points.Columns, widest = 0;
        float widestSpread = -1;
        for (int c = 0; c < dims; c++)
        {
            float low = float.PositiveInfinity, high = float.NegativeInfinity;
            for (int p = start; p < end; p++)
            {
                float v = _points.Row(_order[p])[c];
                low = Math.Min(low, v);
                high = Math.Max(high, v);
            }
            if (high - low > widestSpread) { widestSpread = high - low; widest = c; }
        }
        if (widestSpread <= 0) return node; // all points equal: one leaf, however many
        int middle = start + (end - start) / 2;
        Select(start, end - 1, middle, widest);
        _dimension[node] = widest;
        _split[node] = Coordinate(middle, widest);
        // Left holds coordinates ≤ split (the selection puts the median's equals on both sides; the ≤ test in
        // Search visits the far side at offset 0, so equals on either side are found).
        int left = Build(start, middle + 1);
        int right = Build(middle + 1, end);
        _left[node] = left;
        _right[node] = right;
        return node;
    }

    private float Coordinate(int position, int dimension) => _points.Row(_order[position])[dimension];

    /// <summary>Reorders _order[lo..hi] so that position <paramref name="nth"/> holds the element of that rank by
    /// <paramref name="dimension"/>, none after it smaller and none before it larger (Hoare's selection).</summary>
    private void Select(int lo, int hi, int nth, int dimension)
    {
        while (lo < hi)
        {
            float pivot = Coordinate(lo + (hi - lo) / 2, dimension);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (Coordinate(i, dimension) < pivot) i++;
                while (Coordinate(j, dimension) > pivot) j--;
                if (i <= j) { (_order[i], _order[j]) = (_order[j], _order[i]); i++; j--; }
            }
            if (nth <= j) hi = j;
            else if (nth >= i) lo = i;
            else return;
        }
    }
}
