namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// Approximate k nearest neighbours by NN-descent ("a neighbour of a neighbour is likely a neighbour"), started from
/// the leaves of a random-projection forest, as pynndescent does. Each round joins every point's new and old
/// candidates pairwise and keeps improvements; it stops when fewer than δ·N·k lists change. Updates are gathered per
/// fixed chunk of points and applied in chunk order, so results depend on the seed only, not on the thread count.
/// Queries (new points) descend the trees and then search the neighbour graph best-first.
/// </summary>
/// <remarks>W. Dong, M. Charikar and K. Li, "Efficient k-nearest neighbor graph construction for generic similarity
/// measures", WWW 2011; random-projection forest initialisation after L. McInnes' pynndescent and S. Dasgupta and
/// Y. Freund, "Random projection trees and low dimensional manifolds", STOC 2008.</remarks>
public sealed class NNDescentIndex : IKnnIndex
{
    private readonly DenseMatrix _search;
    private readonly int _seed, _threads, _trees, _maxIterations;
    private readonly double _delta;
    private List<RandomProjectionTree>? _forest;
    private KnnGraph? _graph;

    /// <summary>Indexes <paramref name="data"/>.</summary>
    /// <param name="data">The points.</param>
    /// <param name="metric">Euclidean or cosine.</param>
    /// <param name="trees">Random-projection trees for the start; null: 5 + N^0.25 / 2, at most 16 (pynndescent's rule of thumb).</param>
    /// <param name="maxIterations">NN-descent rounds at most.</param>
    /// <param name="delta">Stop when fewer than δ·N·k neighbour-list entries changed in a round.</param>
    /// <param name="seed">Seed of the trees and samples.</param>
    /// <param name="threads">Threads; 0 uses every core.</param>
    public NNDescentIndex(DenseMatrix data, DistanceMetric metric = DistanceMetric.Euclidean, int? trees = null, int maxIterations = 12,
        double delta = 0.001, int seed = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        Metric = metric;
        _search = metric == DistanceMetric.Cosine ? NeighborDistances.Normalized(data, threads) : data;
        _trees = trees ?? Math.Min(16, 5 + (int)Math.Round(Math.Pow(data.Rows, 0.25) / 2));
        _maxIterations = maxIterations;
        _delta = delta;
        _seed = seed;
        _threads = threads;
    }

    /// <inheritdoc/>
    public DenseMatrix Data { get; }

    /// <inheritdoc/>
    public DistanceMetric Metric { get; }

    /// <inheritdoc/>
    public KnnGraph QueryIndexed(int k, CancellationToken cancellationToken = default)
    {
        int n = _search.Rows;
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {n - 1} (the number of other points).");
        if (_graph is { } cached && cached.K >= k) return cached.Truncate(k);
        var forest = Forest(Math.Max(k + 1, 32));
        var heaps = new NeighborHeaps(n, k);
        Initialize(heaps, forest, k);
        Descend(heaps, k, cancellationToken);
        _graph = heaps.ToGraph(Metric, _search, Metric == DistanceMetric.Euclidean);
        return _graph;
    }

    /// <inheritdoc/>
    public KnnGraph Query(DenseMatrix queries, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Columns != Data.Columns)
            throw new ArgumentException($"The queries have {queries.Columns} columns; the index has {Data.Columns}.", nameof(queries));
        int n = _search.Rows;
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {n}.");
        var graph = _graph is { } g && g.K >= Math.Min(n - 1, Math.Max(k, 15)) ? g : QueryIndexed(Math.Min(n - 1, Math.Max(k, 15)), cancellationToken);
        var search = Metric == DistanceMetric.Cosine ? NeighborDistances.Normalized(queries, _threads) : queries;
        var forest = _forest!;
        var indices = new int[(long)queries.Rows * k];
        var distances = new float[(long)queries.Rows * k];
        ReductionThreads.ForChunks(queries.Rows, 64, _threads, (_, start, end) =>
        {
            var visited = new HashSet<int>();
            var frontier = new PriorityQueue<int, float>();
            var best = new PriorityQueue<int, float>(Comparer<float>.Create((a, b) => b.CompareTo(a)));
            for (int q = start; q < end; q++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                visited.Clear(); frontier.Clear(); best.Clear();
                void Consider(int j)
                {
                    if (!visited.Add(j)) return;
                    float d = Distance(search.Row(q), _search.Row(j));
                    if (best.Count < k) { best.Enqueue(j, d); frontier.Enqueue(j, d); }
                    else if (best.TryPeek(out _, out float worst) && d < worst) { best.DequeueEnqueue(j, d); frontier.Enqueue(j, d); }
                }
                foreach (var tree in forest) foreach (int j in tree.Leaf(search.Row(q))) Consider(j);
                while (frontier.TryDequeue(out int c, out float dc))
                {
                    if (best.Count == k && best.TryPeek(out _, out float worst) && dc > worst) break;
                    foreach (int j in graph.NeighborsOf(c)) Consider(j);
                }
                var found = new List<(float D, int J)>(k);
                while (best.TryDequeue(out int j, out float d)) found.Add((d, j));
                found.Sort((a, b) => a.D != b.D ? a.D.CompareTo(b.D) : a.J.CompareTo(b.J));
                for (int c = 0; c < k && c < found.Count; c++)
                {
                    indices[(long)q * k + c] = found[c].J;
                    distances[(long)q * k + c] = Metric == DistanceMetric.Euclidean ? MathF.Sqrt(found[c].D) : found[c].D;
                }
            }
        });
        return new KnnGraph(indices, distances, queries.Rows, k, Metric);
    }

    /// <summary>Squared Euclidean (ranks like Euclidean, cheaper) or cosine distance of unit rows.</summary>
    private float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        Metric == DistanceMetric.Euclidean ? NeighborDistances.SquaredEuclidean(a, b) : Math.Max(0f, 1f - NeighborDistances.Dot(a, b));

    private List<RandomProjectionTree> Forest(int leafSize)
    {
        if (_forest is not null && _forest[0].LeafSize >= leafSize) return _forest;
        var forest = new RandomProjectionTree[_trees];
        Parallel.For(0, _trees, ReductionThreads.Options(_threads), t => forest[t] = new RandomProjectionTree(_search, leafSize, _seed * 7919 + t));
        _forest = forest.ToList();
        return _forest;
    }

    /// <summary>Every pair within each leaf of each tree; lists still short are topped up with random points.</summary>
    private void Initialize(NeighborHeaps heaps, List<RandomProjectionTree> forest, int k)
    {
        int n = _search.Rows;
        foreach (var tree in forest)
        {
            var leaves = tree.Leaves;
            var updates = new List<(int U, int V, float D)>[leaves.Count];
            ReductionThreads.ForChunks(leaves.Count, 16, _threads, (_, start, end) =>
            {
                for (int l = start; l < end; l++)
                {
                    var leaf = leaves[l];
                    var list = updates[l] = new List<(int, int, float)>(leaf.Length * (leaf.Length - 1) / 2);
                    for (int a = 0; a < leaf.Length; a++)
                        for (int b = a + 1; b < leaf.Length; b++)
                            list.Add((leaf[a], leaf[b], Distance(_search.Row(leaf[a]), _search.Row(leaf[b]))));
                }
            });
            foreach (var list in updates)
                foreach (var (u, v, d) in list) { heaps.Push(u, v, d, true); heaps.Push(v, u, d, true); }
        }
        var random = new Random(_seed);
        for (int i = 0; i < n; i++)
        {
            int guard = 0;
            while (heaps.Count(i) < k && guard++ < 10 * k)
            {
                int j = random.Next(n);
                if (j != i) heaps.Push(i, j, Distance(_search.Row(i), _search.Row(j)), true);
            }
        }
    }

    private void Descend(NeighborHeaps heaps, int k, CancellationToken cancellationToken)
    {
        int n = _search.Rows;
        int maxCandidates = Math.Min(60, k);
        var newCandidates = new CandidateLists(n, maxCandidates);
        var oldCandidates = new CandidateLists(n, maxCandidates);
        const int chunk = 256;
        int chunks = (n + chunk - 1) / chunk;
        var updates = new List<(int U, int V, float D)>[chunks];
        for (int iteration = 0; iteration < _maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            newCandidates.Clear();
            oldCandidates.Clear();
            // Sample candidates with random priorities: forward lists and reverse lists share the same cap.
            ulong salt = (ulong)(_seed * 1_000_003 + iteration);
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < heaps.Count(i); c++)
                {
                    int j = heaps.Index(i, c);
                    float priority = Priority(salt, i, j);
                    if (heaps.IsNew(i, c))
                    {
                        newCandidates.Offer(i, j, priority);
                        newCandidates.Offer(j, i, priority);
                    }
                    else
                    {
                        oldCandidates.Offer(i, j, priority);
                        oldCandidates.Offer(j, i, priority);
                    }
                }
            }
            for (int i = 0; i < n; i++)
                for (int c = 0; c < heaps.Count(i); c++)
                    if (heaps.IsNew(i, c) && newCandidates.Contains(i, heaps.Index(i, c))) heaps.MarkOld(i, c);

            ReductionThreads.ForChunks(n, chunk, _threads, (ci, start, end) =>
            {
                var list = new List<(int, int, float)>();
                for (int i = start; i < end; i++)
                {
                    var fresh = newCandidates.Of(i);
                    var old = oldCandidates.Of(i);
                    for (int a = 0; a < fresh.Length; a++)
                    {
                        int u = fresh[a];
                        var ru = _search.Row(u);
                        for (int b = a + 1; b < fresh.Length; b++) Join(list, heaps, u, ru, fresh[b]);
                        foreach (int v in old) if (v != u) Join(list, heaps, u, ru, v);
                    }
                }
                updates[ci] = list;
            });
            long changes = 0;
            foreach (var list in updates)
                foreach (var (u, v, d) in list) changes += heaps.Push(u, v, d, true) + heaps.Push(v, u, d, true);
            if (changes <= _delta * n * k) break;
        }
    }

    private void Join(List<(int, int, float)> list, NeighborHeaps heaps, int u, ReadOnlySpan<float> ru, int v)
    {
        if (u == v) return;
        float d = Distance(ru, _search.Row(v));
        if (d < heaps.Worst(u) || d < heaps.Worst(v)) list.Add((u, v, d));
    }

    private static float Priority(ulong salt, int i, int j)
    {
        ulong z = salt * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)i << 32 | (uint)j);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) / (float)ulong.MaxValue;
    }

    /// <summary>Per-point max-heaps of (distance, index, is-new), k entries each.</summary>
    private sealed class NeighborHeaps(int n, int k)
    {
        private readonly float[] _distance = Enumerable.Repeat(float.PositiveInfinity, n * k).ToArray();
        private readonly int[] _index = Enumerable.Repeat(-1, n * k).ToArray();
        private readonly bool[] _new = new bool[n * k];
        private readonly int[] _count = new int[n];

        public int Count(int i) => _count[i];
        public int Index(int i, int c) => _index[i * k + c];
        public bool IsNew(int i, int c) => _new[i * k + c];
        public void MarkOld(int i, int c) => _new[i * k + c] = false;
        public float Worst(int i) => _count[i] < k ? float.PositiveInfinity : _distance[i * k];

        /// <summary>Adds j to i's list if it is closer than the farthest and not there yet; 1 when added.</summary>
        public int Push(int i, int j, float d, bool isNew)
        {
            if (i == j) return 0;
            int offset = i * k;
            if (_count[i] == k && d >= _distance[offset]) return 0;
            for (int c = 0; c < _count[i]; c++) if (_index[offset + c] == j) return 0;
            if (_count[i] < k)
            {
                int slot = _count[i]++;
                _distance[offset + slot] = d; _index[offset + slot] = j; _new[offset + slot] = isNew;
                SiftUp(offset, slot);
                return 1;
            }
            _distance[offset] = d; _index[offset] = j; _new[offset] = isNew;
            SiftDown(offset, 0);
            return 1;
        }

        private void SiftUp(int offset, int slot)
        {
            while (slot > 0)
            {
                int parent = (slot - 1) / 2;
                if (_distance[offset + parent] >= _distance[offset + slot]) break;
                Swap(offset + parent, offset + slot);
                slot = parent;
            }
        }

        private void SiftDown(int offset, int slot)
        {
            while (true)
            {
                int left = 2 * slot + 1, right = left + 1, largest = slot;
                if (left < k && _distance[offset + left] > _distance[offset + largest]) largest = left;
                if (right < k && _distance[offset + right] > _distance[offset + largest]) largest = right;
                if (largest == slot) return;
                Swap(offset + largest, offset + slot);
                slot = largest;
            }
        }

        private void Swap(int a, int b)
        {
            (_distance[a], _distance[b]) = (_distance[b], _distance[a]);
            (_index[a], _index[b]) = (_index[b], _index[a]);
            (_new[a], _new[b]) = (_new[b], _new[a]);
        }

        public KnnGraph ToGraph(DistanceMetric metric, DenseMatrix data, bool squared)
        {
            var indices = new int[n * k];
            var distances = new float[n * k];
            for (int i = 0; i < n; i++)
            {
                var idx = indices.AsSpan(i * k, k);
                var dist = distances.AsSpan(i * k, k);
                _index.AsSpan(i * k, k).CopyTo(idx);
                for (int c = 0; c < k; c++)
                    dist[c] = idx[c] < 0 ? float.PositiveInfinity : NeighborDistances.Distance(data.Row(i), data.Row(idx[c]), metric);
                NeighborDistances.SortByDistance(idx, dist);
            }
            _ = squared;
            return new KnnGraph(indices, distances, n, k, metric);
        }
    }

    /// <summary>Per-point candidate lists capped at <c>cap</c>, keeping the entries of smallest random priority.</summary>
    private sealed class CandidateLists(int n, int cap)
    {
        private readonly int[] _index = new int[n * cap];
        private readonly float[] _priority = new float[n * cap];
        private readonly int[] _count = new int[n];

        public void Clear() => Array.Clear(_count);

        public ReadOnlySpan<int> Of(int i) => _index.AsSpan(i * cap, _count[i]);

        public bool Contains(int i, int j) => Of(i).Contains(j);

        public void Offer(int i, int j, float priority)
        {
            int offset = i * cap, count = _count[i];
            for (int c = 0; c < count; c++) if (_index[offset + c] == j) return;
            if (count < cap) { _index[offset + count] = j; _priority[offset + count] = priority; _count[i]++; return; }
            int worst = 0;
            for (int c = 1; c < cap; c++) if (_priority[offset + c] > _priority[offset + worst]) worst = c;
            if (priority < _priority[offset + worst]) { _index[offset + worst] = j; _priority[offset + worst] = priority; }
        }
    }
}
