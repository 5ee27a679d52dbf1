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
    public int CountComponents()
    {
        var parent = Enumerable.Range(0, Count).ToArray();
        int Find(int a)
        {
            while (parent[a] != a) { parent[a] = parent[parent[a]]; a = parent[a]; }
            return a;
        }
        int components = Count;
        for (int i = 0; i < Count; i++)
            for (int e = RowOffsets[i]; e < RowOffsets[i + 1]; e++)
            {
                int a = Find(i), b = Find(Columns[e]);
                if (a != b) { parent[a] = b; components--; }
            }
        return components;
    }
}
