namespace LayerScope.Reduction.Umap;

/// <summary>The fuzzy simplicial set: a symmetric weighted graph in compressed rows (both directions of each edge
/// stored), weights in (0, 1].</summary>
public sealed class UmapGraph
{
    public UmapGraph(int count, int[] rowOffsets, int[] columns, float[] weights)
    {
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(weights);
        if (rowOffsets.Length != count + 1 || columns.Length != weights.Length || rowOffsets[count] != columns.Length)
            throw new ArgumentException("Row offsets, columns and weights do not describe one compressed-row graph.");
        Count = count;
        RowOffsets = rowOffsets;
        Columns = columns;
        Weights = weights;
    }

    /// <summary>Vertices.</summary>
    public int Count { get; }

    /// <summary>Start of each vertex's edges; Count + 1 entries.</summary>
    public int[] RowOffsets { get; }

    /// <summary>The other end of each edge.</summary>
    public int[] Columns { get; }

    /// <summary>Membership strength of each edge.</summary>
    public float[] Weights { get; }

    /// <summary>The number of connected components (union–find).</summary>
    public int CountComponents() => ComponentLabels().Count;

    /// <summary>The connected component of every vertex, numbered 0, 1, ... in order of each component's first vertex
    /// (union–find), and how many there are.</summary>
    public (int[] Labels, int Count) ComponentLabels()
    {
        var parent = Enumerable.Range(0, Count).ToArray();
        int Find(int a)
        {
            while (parent[a] != a) { parent[a] = parent[parent[a]]; a = parent[a]; }
            return a;
        }
        for (int i = 0; i < Count; i++)
            for (int e = RowOffsets[i]; e < RowOffsets[i + 1]; e++)
            {
                int a = Find(i), b = Find(Columns[e]);
                if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        var labels = new int[Count];
        var numbers = new Dictionary<int, int>();
        for (int i = 0; i < Count; i++)
        {
            int root = Find(i);
            if (!numbers.TryGetValue(root, out int label)) numbers[root] = label = numbers.Count;
            labels[i] = label;
        }
        return (labels, numbers.Count);
    }

    /// <summary>Each vertex's degree: the sum of its row's weights (the diagonal of D in the normalised Laplacian).</summary>
    public double[] Degrees()
    {
        var degree = new double[Count];
        for (int i = 0; i < Count; i++)
            for (int e = RowOffsets[i]; e < RowOffsets[i + 1]; e++) degree[i] += Weights[e];
        return degree;
    }

    /// <summary>The graph induced by <paramref name="vertices"/> (ascending), renumbered 0..m−1 in that order; edges
    /// to other vertices are dropped.</summary>
    public UmapGraph Subgraph(IReadOnlyList<int> vertices)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        var local = new Dictionary<int, int>(vertices.Count);
        for (int v = 0; v < vertices.Count; v++) local[vertices[v]] = v;
        var offsets = new int[vertices.Count + 1];
        var columns = new List<int>();
        var weights = new List<float>();
        for (int v = 0; v < vertices.Count; v++)
        {
            int i = vertices[v];
            for (int e = RowOffsets[i]; e < RowOffsets[i + 1]; e++)
                if (local.TryGetValue(Columns[e], out int j)) { columns.Add(j); weights.Add(Weights[e]); }
            offsets[v + 1] = columns.Count;
        }
        return new UmapGraph(vertices.Count, offsets, [.. columns], [.. weights]);
    }
}
