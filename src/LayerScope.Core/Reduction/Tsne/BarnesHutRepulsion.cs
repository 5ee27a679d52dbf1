namespace LayerScope.Reduction.Tsne;

/// <summary>
/// Barnes–Hut repulsion in 2-D (quadtree) or 3-D (octree): a cell far enough from a point (cell width / distance
/// below θ) acts as one body at its centre of mass. O(N log N) per iteration.
/// </summary>
/// <remarks>L. van der Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR 15, 2014; J. Barnes and
/// P. Hut, "A hierarchical O(N log N) force-calculation algorithm", Nature 324, 1986. The tree is rebuilt every
/// iteration by recursive partitioning of an index array (a Morton-like order); points are then visited in that
/// order so neighbouring work items touch the same cells.</remarks>
internal sealed unsafe class BarnesHutRepulsion : ITsneRepulsion
{
    private const int MaxDepth = 48;
    private readonly int _dims;
    private readonly int _children;
    private readonly double _theta2;
    private readonly int _threads;
    private int[] _order = [];
    private int[] _scratch = [];
    private double[] _centreOfMass = [];
    private double[] _width = [];
    private int[] _count = [];
    private int[] _firstChild = [];
    private int[] _start = [];
    private int _nodes;

    public BarnesHutRepulsion(int dimensions, double theta, int threads)
    {
        if (dimensions is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(dimensions), "Barnes–Hut works in 2 or 3 dimensions.");
        _dims = dimensions;
        _children = 1 << dimensions;
        _theta2 = theta * theta;
        _threads = threads;
    }

    public double Compute(double[] y, int n, double[] forces)
    {
        Build(y, n);
        const int chunk = 256;
        var partial = new double[(n + chunk - 1) / chunk];
        ReductionThreads.ForChunks(n, chunk, _threads, (c, start, end) =>
        {
            double z = 0;
            int* stack = stackalloc int[MaxDepth * 8 + 16];
            fixed (double* py = y, pf = forces, com = _centreOfMass, width = _width)
            fixed (int* count = _count, first = _firstChild, begin = _start, order = _order)
            {
                for (int position = start; position < end; position++)
                {
                    int i = order[position];
                    z += _dims == 2
                        ? Point2(i, py + 2 * i, pf + 2 * i, py, com, width, count, first, begin, order, stack)
                        : Point3(i, py + 3 * i, pf + 3 * i, py, com, width, count, first, begin, order, stack);
                }
            }
            partial[c] = z;
        });
        double total = 0;
        foreach (double z in partial) total += z;
        return total;
    }

    /// <summary>Writes into <paramref name="f"/> the repulsion on the point at <paramref name="x"/> (index
    /// <paramref name="i"/> among the tree's points, or −1 for a point outside it) and returns its Σ w.</summary>
    private double Point2(int i, double* x, double* f, double* y, double* com, double* width, int* count, int* first, int* begin, int* order, int* stack)
    {
        double x0 = x[0], x1 = x[1];
        double z = 0, f0 = 0, f1 = 0;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            int cnt = count[node];
            if (cnt == 0) continue;
            int child = first[node];
            if (child < 0)
            {
                for (int p = begin[node], e = begin[node] + cnt; p < e; p++)
                {
                    int j = order[p];
                    if (j == i) continue;
                    double d0 = x0 - y[2 * j], d1 = x1 - y[2 * j + 1];
                    double w = 1 / (1 + d0 * d0 + d1 * d1);
                    z += w;
                    double w2 = w * w;
                    f0 += w2 * d0;
                    f1 += w2 * d1;
                }
                continue;
            }
            double c0 = x0 - com[2 * node], c1 = x1 - com[2 * node + 1];
            double dist2 = c0 * c0 + c1 * c1;
            double side = width[node];
            if (side * side < _theta2 * dist2)
            {
                double w = 1 / (1 + dist2);
                double nw = cnt * w;
                z += nw;
                double nw2 = nw * w;
                f0 += nw2 * c0;
                f1 += nw2 * c1;
            }
            else
            {
                for (int c = 0; c < 4; c++) stack[top++] = child + c;
            }
        }
        f[0] = f0;
        f[1] = f1;
        return z;
    }

    private double Point3(int i, double* x, double* f, double* y, double* com, double* width, int* count, int* first, int* begin, int* order, int* stack)
    {
        double x0 = x[0], x1 = x[1], x2 = x[2];
        double z = 0, f0 = 0, f1 = 0, f2 = 0;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            int cnt = count[node];
            if (cnt == 0) continue;
            int child = first[node];
            if (child < 0)
            {
                for (int p = begin[node], e = begin[node] + cnt; p < e; p++)
                {
                    int j = order[p];
                    if (j == i) continue;
                    double d0 = x0 - y[3 * j], d1 = x1 - y[3 * j + 1], d2 = x2 - y[3 * j + 2];
                    double w = 1 / (1 + d0 * d0 + d1 * d1 + d2 * d2);
                    z += w;
                    double w2 = w * w;
                    f0 += w2 * d0;
                    f1 += w2 * d1;
                    f2 += w2 * d2;
                }
                continue;
            }
            double c0 = x0 - com[3 * node], c1 = x1 - com[3 * node + 1], c2 = x2 - com[3 * node + 2];
            double dist2 = c0 * c0 + c1 * c1 + c2 * c2;
            double side = width[node];
            if (side * side < _theta2 * dist2)
            {
                double w = 1 / (1 + dist2);
                double nw = cnt * w;
                z += nw;
                double nw2 = nw * w;
                f0 += nw2 * c0;
                f1 += nw2 * c1;
                f2 += nw2 * c2;
            }
            else
            {
                for (int c = 0; c < 8; c++) stack[top++] = child + c;
            }
        }
        f[0] = f0;
        f[1] = f1;
        f[2] = f2;
        return z;
    }

    /// <summary>Repulsion on points outside a fixed embedding (placing new points): builds the tree over
    /// <paramref name="reference"/> once per call and writes each query's Σ_j w² (x − y_j) and Σ_j w.</summary>
    public void ComputeExternal(double[] reference, int n, double[] queries, int m, double[] forces, double[] sums)
    {
        Build(reference, n);
        ReductionThreads.ForChunks(m, 64, _threads, (_, start, end) =>
        {
            int* stack = stackalloc int[MaxDepth * 8 + 16];
            fixed (double* py = reference, pq = queries, pf = forces, com = _centreOfMass, width = _width)
            fixed (int* count = _count, first = _firstChild, begin = _start, order = _order)
            {
                for (int q = start; q < end; q++)
                {
                    sums[q] = _dims == 2
                        ? Point2(-1, pq + 2 * q, pf + 2 * q, py, com, width, count, first, begin, order, stack)
                        : Point3(-1, pq + 3 * q, pf + 3 * q, py, com, width, count, first, begin, order, stack);
                }
            }
        });
    }

    /// <summary>Rebuilds the tree over the current positions.</summary>
    private void Build(double[] y, int n)
    {
        if (_order.Length != n)
        {
            _order = new int[n];
            for (int i = 0; i < n; i++) _order[i] = i;
            _scratch = new int[n];
        }
        Span<double> low = stackalloc double[3], high = stackalloc double[3];
        for (int a = 0; a < _dims; a++) { low[a] = double.PositiveInfinity; high[a] = double.NegativeInfinity; }
        for (int i = 0; i < n; i++)
            for (int a = 0; a < _dims; a++)
            {
                double v = y[i * _dims + a];
                if (v < low[a]) low[a] = v;
                if (v > high[a]) high[a] = v;
            }
        double side = 0;
        Span<double> centre = stackalloc double[3];
        for (int a = 0; a < _dims; a++) { side = Math.Max(side, high[a] - low[a]); centre[a] = (low[a] + high[a]) / 2; }
        side = side * (1 + 1e-9) + 1e-12;
        _nodes = 0;
        EnsureCapacity(Math.Max(16, 2 * n));
        int root = _nodes++;
        BuildNode(y, root, 0, n, centre[0], centre[1], _dims == 3 ? centre[2] : 0, side, 0);
    }

    private void EnsureCapacity(int nodes)
    {
        if (_count.Length >= nodes) return;
        int capacity = Math.Max(nodes, _count.Length * 2);
        Array.Resize(ref _centreOfMass, capacity * _dims);
        Array.Resize(ref _width, capacity);
        Array.Resize(ref _count, capacity);
        Array.Resize(ref _firstChild, capacity);
        Array.Resize(ref _start, capacity);
    }

    private void BuildNode(double[] y, int node, int low, int high, double c0, double c1, double c2, double side, int depth)
    {
        int count = high - low;
        _count[node] = count;
        _start[node] = low;
        _width[node] = side;
        _firstChild[node] = -1;
        double m0 = 0, m1 = 0, m2 = 0;
        for (int p = low; p < high; p++)
        {
            int j = _order[p];
            m0 += y[j * _dims];
            m1 += y[j * _dims + 1];
            if (_dims == 3) m2 += y[j * _dims + 2];
        }
        if (count > 0)
        {
            _centreOfMass[node * _dims] = m0 / count;
            _centreOfMass[node * _dims + 1] = m1 / count;
            if (_dims == 3) _centreOfMass[node * _dims + 2] = m2 / count;
        }
        if (count <= 1 || depth >= MaxDepth) return;

        // Counting sort of the range by child cell (bit a set when coordinate a is above the centre).
        Span<int> bucket = stackalloc int[8];
        Span<int> offset = stackalloc int[9];
        bucket.Clear();
        for (int p = low; p < high; p++) bucket[Code(y, _order[p], c0, c1, c2)]++;
        offset[0] = low;
        for (int c = 0; c < _children; c++) offset[c + 1] = offset[c] + bucket[c];
        Span<int> cursor = stackalloc int[8];
        offset[.._children].CopyTo(cursor);
        for (int p = low; p < high; p++)
        {
            int j = _order[p];
            _scratch[cursor[Code(y, j, c0, c1, c2)]++] = j;
        }
        Array.Copy(_scratch, low, _order, low, count);

        EnsureCapacity(_nodes + _children);
        int first = _nodes;
        _nodes += _children;
        _firstChild[node] = first;
        double quarter = side / 4;
        for (int c = 0; c < _children; c++)
        {
            double n0 = c0 + ((c & 1) != 0 ? quarter : -quarter);
            double n1 = c1 + ((c & 2) != 0 ? quarter : -quarter);
            double n2 = c2 + ((c & 4) != 0 ? quarter : -quarter);
            BuildNode(y, first + c, offset[c], offset[c + 1], n0, n1, n2, side / 2, depth + 1);
        }
    }

    private int Code(double[] y, int j, double c0, double c1, double c2)
    {
        int code = y[j * _dims] > c0 ? 1 : 0;
        if (y[j * _dims + 1] > c1) code |= 2;
        if (_dims == 3 && y[j * _dims + 2] > c2) code |= 4;
        return code;
    }
}
