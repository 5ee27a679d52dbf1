using TorchSharp;

namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// Approximate k nearest neighbours. By default from k-means cells (<see cref="KMeansCells"/>): each cell's points are
/// scored by GEMM against the points of the cells nearest to it, a pool sized so that it holds a target share of the
/// exact neighbours of a fixed sample of points (the constructor's targetRecall); the pools are scored exactly, so that
/// share is the recall. On 50-D Gaussian clusters, where NN-descent's rounds converged on graphs of recall 0.79–0.92 at
/// 250,000 points, this reached 0.97 for the same CPU time. With <c>cellPool: 0</c>, NN-descent instead ("a neighbour
/// of a neighbour is likely a neighbour"), started from the leaves of a random-projection forest. Each round samples,
/// per point, at most <c>maxCandidates</c> "new" neighbours (entries that arrived since the last round) and as many
/// "old" ones, forward and reverse, and joins new × new and new × old pairs only: pairs of old entries were joined in
/// an earlier round, so the work per round falls as the graph converges. It stops when fewer than δ·N·k list entries
/// changed in a round. Lists longer than 30 are grown from a 30-entry descent, and shorter ones polished, by a
/// neighbours-of-neighbours pass scored by GEMM over blocks of nearby points (<see cref="Refine"/>).
/// </summary>
/// <remarks>
/// <para>W. Dong, M. Charikar and K. Li, "Efficient k-nearest neighbor graph construction for generic similarity
/// measures", WWW 2011 (local join, new/old flags, sampling, reverse neighbours, early termination by δ); the
/// random-projection forest start after S. Dasgupta and Y. Freund, "Random projection trees and low dimensional
/// manifolds", STOC 2008, as in pynndescent (L. McInnes) and LargeVis (J. Tang et al., WWW 2016).</para>
/// <para>Parallel and reproducible: every point lies in exactly one leaf per tree, so leaves start their points' lists
/// without contention; candidate sampling keeps, per point, the entries of smallest hash priority (a set that does
/// not depend on the order of offers, so threads may split the points any way); the local join runs over fixed
/// blocks of points, and its proposed updates are bucketed by a fixed partition of the target points and applied
/// per bucket in block order. The result depends on the seed, not on the thread count.</para>
/// Queries (new points) descend the trees and then search the neighbour graph best-first.
/// </remarks>
public sealed class NNDescentIndex : IKnnIndex
{
    private const int JoinChunk = 256;
    private const int JoinBlockChunks = 64;
    // Points per refinement block and pool size at most (a block's GEMM is RefineBlock × pool).
    private const int RefineBlock = 64;
    private const int MaxPool = 6144;
    private readonly DenseMatrix _search;
    // The points renumbered in the leaf order of one random-projection tree, so that neighbours tend to lie close
    // in memory: the joins read rows at random, and past the caches every distance would cost a memory miss.
    private DenseMatrix _local = null!;
    private int[] _order = [];
    private readonly int _seed, _threads, _trees, _maxIterations;
    private readonly int? _leafSize, _maxCandidates;
    private readonly int _minimumListLength, _descentListLength;
    private readonly int? _refinements, _hop;
    private readonly double _delta;
    private readonly int? _cellPool;
    private readonly double _targetRecall;
    // Points whose exact neighbours size the cells' pools (a sample's recall estimate has a standard error near
    // 0.005 at 512 points).
    private const int CoverageSample = 512;
    private readonly int _cellSize;
    // Pool points per GEMM tile of the cell search (GemmScorer): 256 queries × 1,024 points of scores are 1 MB.
    internal const int DefaultPoolTile = 1024;
    private readonly int _poolTile = DefaultPoolTile;
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
    /// <param name="leafSize">Points per leaf of the trees at most; null: max(k + 1, 96) (on 50-D clusters at 50,000
    /// points, leaves of 96 instead of 256 cut 15-NN distances per point from 2,962 to 1,908 and 90-NN from 6,461 to
    /// 5,719, recall 0.968 to 0.960 and 0.994 to 0.992: big leaves start the lists well, but the rounds that follow
    /// find the same neighbours for less).</param>
    /// <param name="maxCandidates">New (and old) candidates joined per point and round, forward and reverse together;
    /// null: 2k between 8 and 30 (Dong et al.'s sample ρ·k with reverse neighbours, capped: a round's join costs
    /// cap² distances per point, and with the forest's start 30 kept 90-NN recall above 0.99 on 50-D clusters at
    /// 25,000 points, as 60 did, at half the distances).</param>
    /// <param name="minimumListLength">Neighbours kept per point while the graph is built, at least; the result is cut
    /// to the k asked for.</param>
    /// <param name="descentListLength">Neighbours per point in the NN-descent rounds at most; longer lists are grown
    /// from them by the refinement passes.</param>
    /// <param name="refinements">Neighbours-of-neighbours passes by GEMM after the start (null: one after the forest's
    /// descent, none after the cells, which build full lists); 0: none, and the descent builds full lists.</param>
    /// <param name="hop">Entries of each list that lead to neighbours of neighbours in a refinement pass; null: 30 when
    /// the pass grows the lists (on 50-D clusters at 50,000 points, 90-NN recall 0.944 with 20, 0.972 with 30, for
    /// 15 % more CPU), 10 when it only polishes them (15-NN recall 0.960 to 0.986 for about 1 CPU second).</param>
    /// <param name="cellPool">Start the lists from k-means cells (<see cref="KMeansCells"/>): each cell's points are
    /// scored against the points of the cells nearest to it, whole cells until the pool holds this many; null: as many
    /// as hold <paramref name="targetRecall"/> of a sample's true neighbours; 0: start from the random-projection
    /// forest and run NN-descent's rounds instead.</param>
    /// <param name="cellSize">Points per k-means cell on average.</param>
    /// <param name="targetRecall">Recall the automatic cell pool is sized for (on a fixed sample of points).</param>
    public NNDescentIndex(DenseMatrix data, DistanceMetric metric = DistanceMetric.Euclidean, int? trees = null, int maxIterations = 12,
        double delta = 0.001, int seed = 0, int threads = 0, int? leafSize = null, int? maxCandidates = null, int minimumListLength = 25,
        int descentListLength = 30, int? refinements = null, int? hop = null, int? cellPool = null, int cellSize = 500, double targetRecall = 0.97)
    {
        _targetRecall = Math.Clamp(targetRecall, 0, 1);
        _cellPool = cellPool;
        _cellSize = Math.Max(1, cellSize);
        _descentListLength = Math.Max(1, descentListLength);
        _refinements = refinements is { } passes ? Math.Max(0, passes) : null;
        _hop = hop is { } h ? Math.Max(0, h) : null;
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        Metric = metric;
        _search = metric == DistanceMetric.Cosine ? NeighborDistances.Normalized(data, threads) : data;
        _trees = trees ?? Math.Min(16, 5 + (int)Math.Round(Math.Pow(data.Rows, 0.25) / 2));
        _maxIterations = maxIterations;
        _delta = delta;
        _seed = seed;
        _threads = threads;
        _leafSize = leafSize;
        _maxCandidates = maxCandidates;
        _minimumListLength = minimumListLength;
    }

    /// <inheritdoc/>
    public DenseMatrix Data { get; }

    /// <summary>Pool points scored per GEMM tile (at least 1); tests set it to compare tilings of one search.</summary>
    internal int PoolTile { get => _poolTile; init => _poolTile = Math.Max(1, value); }

    /// <inheritdoc/>
    public DistanceMetric Metric { get; }

    /// <summary>What the last graph construction cost: distances evaluated in the forest's leaves and in the
    /// local joins, and the rounds run (null before the first <see cref="QueryIndexed"/>).</summary>
    public NNDescentStatistics? Statistics { get; private set; }

    /// <inheritdoc/>
    public KnnGraph QueryIndexed(int k, CancellationToken cancellationToken = default)
    {
        int n = _search.Rows;
        if (k < 1 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {n - 1} (the number of other points).");
        if (_graph is { } cached && cached.K >= k) return cached.Truncate(k);
        Renumber();
        // Short lists join few candidates per round and stall early in high dimensions: 15-NN recall on 50-D clusters
        // at 50,000 points was 0.923 with lists of 15, 0.951 with 20 and 0.978 with 30 (4.7 and 6.2 CPU seconds for
        // 20 and 30). Lists of at least the minimum length are built and cut to k at the end.
        int length = Math.Min(n - 1, Math.Max(k, _minimumListLength));
        // Long lists are grown from a graph of fewer neighbours (Refine): NN-descent's join costs about
        // (2·cap)² scattered distances per point and round, the refinement's GEMM a pool per block of points.
        // Without a refinement pass the descent itself builds the lists at full length.
        // The k-means cells' start scores each list's whole pool exactly, so it builds the lists at full length and
        // needs no descent rounds.
        bool cellStart = _cellPool != 0;
        int descent = cellStart || _refinements == 0 ? length : Math.Min(length, _descentListLength);
        var heaps = new NeighborHeaps(n, descent);
        var phases = new double[5];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int cellPool = 0;
        long leafDistances = cellStart
            ? InitializeFromCells(heaps, descent, _cellPool, out cellPool)
            : Initialize(heaps, Forest(_leafSize ?? Math.Max(descent + 1, 96)), descent);
        phases[0] = watch.Elapsed.TotalSeconds;
        var (rounds, joinDistances, changes) = cellStart ? (0, 0L, Array.Empty<long>()) : Descend(heaps, descent, phases, cancellationToken);
        watch.Restart();
        long refineDistances = 0;
        int passes = _refinements ?? (cellStart ? 0 : 1);
        int hop = Math.Min(descent, _hop ?? (length > descent ? 30 : 10));
        for (int pass = 0; pass < passes; pass++)
        {
            // The last pass grows the lists to their length; the ones before polish the short lists (smaller pools).
            if (pass == passes - 1 && length > descent) heaps = heaps.Widen(length, _threads);
            refineDistances += Refine(heaps, hop, cancellationToken);
        }
        phases[4] = watch.Elapsed.TotalSeconds;
        Statistics = new NNDescentStatistics(leafDistances, joinDistances, rounds, changes, phases, refineDistances, cellPool);
        _graph = heaps.ToGraph(Metric, _local, _order, _threads);
        return _graph.Truncate(k);
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
        var forest = _forest ?? Forest(_leafSize ?? 96);
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
                foreach (var tree in forest) foreach (int j in tree.Leaf(search.Row(q))) Consider(_order[j]);
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

    private void Renumber()
    {
        if (_order.Length == _search.Rows) return;
        var tree = new RandomProjectionTree(_search, 64, _seed * 7919 - 1);
        _order = tree.Leaves.SelectMany(leaf => leaf).ToArray();
        int d = _search.Columns;
        var values = new float[_search.Values.LongLength];
        ReductionThreads.ForChunks(_order.Length, 4096, _threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++) _search.Row(_order[i]).CopyTo(values.AsSpan(i * d, d));
        });
        _local = new DenseMatrix(values, _search.Rows, d);
    }

    private List<RandomProjectionTree> Forest(int leafSize)
    {
        if (_forest is not null && _forest[0].LeafSize >= leafSize) return _forest;
        var forest = new RandomProjectionTree[_trees];
        Parallel.For(0, _trees, ReductionThreads.Options(_threads), t => forest[t] = new RandomProjectionTree(_local, leafSize, _seed * 7919 + t));
        _forest = forest.ToList();
        return _forest;
    }

    /// <summary>
    /// Starts every list from the points sharing its leaf, tree by tree: a leaf's distance matrix is one small GEMM
    /// (<see cref="GemmScorer"/>). The .NET workers own the cores in this stage and each GEMM runs single-threaded
    /// inside one. Lists still short are topped up with random points. Returns the distances evaluated (GEMM entries
    /// count as distances).
    /// </summary>
    private long Initialize(NeighborHeaps heaps, List<RandomProjectionTree> forest, int k)
    {
        int n = _local.Rows;
        long evaluated = 0;
        var marks = new MembershipPool(n);
        torch.set_num_threads(1);
        try
        {
            foreach (var tree in forest)
            {
                var leaves = tree.Leaves;
                // A leaf's points are in no other leaf of this tree: leaves update disjoint lists, in any order.
                ReductionThreads.ForChunks(leaves.Count, 8, _threads, (_, start, end) =>
                {
                    var members = marks.Rent();
                    var scorer = new GemmScorer(this);
                    for (int l = start; l < end; l++)
                        if (leaves[l].Length >= 2) scorer.Offer(heaps, leaves[l], leaves[l].Length, k + 9, members);
                    marks.Return(members);
                });
                foreach (var leaf in leaves) evaluated += (long)leaf.Length * leaf.Length;
            }
        }
        finally
        {
            ReductionThreads.ApplyToTorch(_threads);
        }
        return evaluated + TopUp(heaps, k);
    }

    /// <summary>Fills lists still short of k with random points (seeded per point); returns the distances evaluated.</summary>
    private long TopUp(NeighborHeaps heaps, int k)
    {
        int n = _local.Rows;
        long topped = 0;
        ReductionThreads.ForChunks(n, 4096, _threads, (_, start, end) =>
        {
            long local = 0;
            for (int i = start; i < end; i++)
            {
                for (int attempt = 0; heaps.Count(i) < k && attempt < 10 * k; attempt++)
                {
                    int j = (int)(Hash((ulong)_seed, (ulong)i, (ulong)attempt) % (ulong)n);
                    if (j == i) continue;
                    heaps.Push(i, j, Distance(_local.Row(i), _local.Row(j)));
                    local++;
                }
            }
            Interlocked.Add(ref topped, local);
        });
        return topped;
    }

    /// <summary>
    /// Starts every list from its k-means cell and the cells nearest to it (<see cref="KMeansCells"/>): each cell's
    /// points are scored against a pool of its own and its nearest cells' points, whole cells nearest first until the
    /// pool holds <paramref name="poolSize"/> points, by GEMMs of up to 256 × pool. Cells write only their own points'
    /// lists, so they run in any order. Returns the GEMM entries scored.
    /// </summary>
    private long InitializeFromCells(NeighborHeaps heaps, int k, int? requestedPool, out int poolSize)
    {
        var cells = new KMeansCells(_local, _cellSize, iterations: 6, _seed * 7919 + 104729, _threads);
        var nearest = new int[cells.Members.Length][];
        ReductionThreads.ForChunks(nearest.Length, 16, _threads, (_, start, end) =>
        {
            for (int c = start; c < end; c++) nearest[c] = cells.NearestCells(c);
        });
        // A pool smaller than the lists could not fill them.
        poolSize = Math.Max(requestedPool ?? PoolForRecall(cells, nearest, k), 2 * (k + 9));
        int count = cells.Members.Length;
        var evaluated = new long[count];
        var marks = new MembershipPool(_local.Rows);
        var scorers = new System.Collections.Concurrent.ConcurrentBag<GemmScorer>();
        int pool0 = poolSize;
        torch.set_num_threads(1);
        try
        {
            ReductionThreads.ForChunks(count, 1, _threads, (c, _, _) =>
            {
                var members = marks.Rent();
                var scorer = scorers.TryTake(out var free) ? free : new GemmScorer(this);
                // The scorer's list, reused: a pool of 140,000 points (1,000,000 blob points) is 560 KB of large-object heap.
                var pool = scorer.Pool;
                pool.Clear();
                pool.AddRange(cells.Members[c]);
                foreach (int other in nearest[c])
                {
                    if (pool.Count >= pool0) break;
                    if (other != c) pool.AddRange(cells.Members[other]);
                }
                if (pool.Count >= 2)
                    evaluated[c] = scorer.Offer(heaps, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pool), cells.Members[c].Length, k + 9, members);
                scorers.Add(scorer);
                marks.Return(members);
            });
        }
        finally
        {
            ReductionThreads.ApplyToTorch(_threads);
        }
        return evaluated.Sum() + TopUp(heaps, k);
    }

    /// <summary>
    /// The smallest pool size whose cells hold <see cref="_targetRecall"/> of the true neighbours of a fixed sample of
    /// points: the sample's exact neighbours (one GEMM of sample × N) are looked up in the cells, and a neighbour is
    /// found when the cells that come before its own in the probe order of the point's cell hold fewer points than
    /// the pool. The start scores its pools exactly, so this coverage is the start's recall. It adapts the work to
    /// the data: on 50-D Gaussian clusters the neighbours fill a whole cluster and the pool must cover most of one,
    /// on Fashion-MNIST's principal components a few nearby cells hold them.
    /// </summary>
    private int PoolForRecall(KMeansCells cells, int[][] nearest, int k)
    {
        int n = _local.Rows;
        var random = new Random(_seed * 7919 + 15485863);
        var sample = Enumerable.Range(0, n).ToArray();
        random.Shuffle(sample);
        sample = sample[..Math.Min(n, CoverageSample)];
        // Rows are unit vectors for cosine: Euclidean ranks them alike.
        var truth = new ExactKnnIndex(_local, DistanceMetric.Euclidean, _threads)
            .Query(_local.SelectRows(sample), Math.Min(n, k + 1));
        var needed = new List<long>(sample.Length * k);
        var before = new long[cells.Members.Length];
        foreach (var (s, row) in sample.Select((s, row) => (s, row)))
        {
            // before[c]: points in the cells probed ahead of cell c from this point's cell.
            long total = 0;
            foreach (int c in nearest[cells.Assignment[s]]) { before[c] = total; total += cells.Members[c].Length; }
            int found = 0;
            foreach (int j in truth.NeighborsOf(row))
            {
                if (j == s || found == k) continue;
                found++;
                needed.Add(before[cells.Assignment[j]] + 1);
            }
        }
        needed.Sort();
        long pool = needed[Math.Clamp((int)Math.Ceiling(_targetRecall * needed.Count) - 1, 0, needed.Count - 1)];
        return (int)Math.Min(pool, n);
    }

    /// <summary>
    /// One pass of neighbours-of-neighbours by GEMM over blocks of points: the points are in leaf order, so a block
    /// of <see cref="RefineBlock"/> consecutive points are near one another, and one pool (the block, the lists of
    /// its points, and the first <paramref name="hop"/> entries of the lists of their first <paramref name="hop"/>
    /// neighbours) serves all of them: each point of the block is scored against the whole pool by one GEMM and
    /// keeps the best. A list of k grows from a graph built for fewer neighbours this way at GEMM speed, where the
    /// local join of NN-descent pays k² scattered distances a round. Each block writes its own points' lists and reads
    /// a sorted snapshot of all lists taken before the pass, so the result does not depend on the thread count.
    /// Returns the pool entries scored (GEMM entries count as distances).
    /// </summary>
    private long Refine(NeighborHeaps heaps, int hop, CancellationToken cancellationToken)
    {
        int n = _local.Rows, length = heaps.K;
        var snapshot = heaps.SortedIndices(_threads);
        int blocks = (n + RefineBlock - 1) / RefineBlock;
        var evaluated = new long[blocks];
        var marks = new MembershipPool(n);
        torch.set_num_threads(1);
        try
        {
            ReductionThreads.ForChunks(blocks, 4, _threads, (_, start, end) =>
            {
                var members = marks.Rent();
                var seen = marks.Rent();
                var scorer = new GemmScorer(this);
                var pool = new List<int>();
                for (int b = start; b < end; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int first = b * RefineBlock, last = Math.Min(n, first + RefineBlock);
                    seen.Begin();
                    pool.Clear();
                    void Add(int j)
                    {
                        if (j < 0 || seen.Contains(j) || pool.Count >= MaxPool) return;
                        seen.Add(j);
                        pool.Add(j);
                    }
                    for (int i = first; i < last; i++) Add(i);
                    for (int i = first; i < last; i++)
                        foreach (int j in snapshot.AsSpan(i * length, length)) Add(j);
                    for (int i = first; i < last; i++)
                        foreach (int j in snapshot.AsSpan(i * length, hop))
                            if (j >= 0) foreach (int j2 in snapshot.AsSpan(j * length, hop)) Add(j2);
                    evaluated[b] = scorer.Offer(heaps, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pool), last - first, length + 9, members);
                }
                marks.Return(members);
                marks.Return(seen);
            });
        }
        finally
        {
            ReductionThreads.ApplyToTorch(_threads);
        }
        return evaluated.Sum();
    }

    /// <summary>
    /// Scores the first <c>queries</c> points of a pool against the whole pool by GEMMs on libtorch
    /// (‖y‖² − 2 x·y ranks like ‖x − y‖² along a row; far cheaper per pair than single distances) and offers each
    /// query its best <c>take</c> of the pool, re-ranked by distances computed here (the GEMM rounds differently
    /// with the thread count and operand alignment). One per worker: it owns its buffers.
    /// </summary>
    /// <remarks>The pool is scored in tiles of <see cref="PoolTile"/> points against blocks of <see cref="QueryBlock"/>
    /// queries, and each tile's scores go through the queries' running selections (<see cref="SmallestPerRow"/>) while
    /// they are still in L2. Before session 8 each GEMM scored 4,194,304 / pool queries (29 at a pool of 140,000) against
    /// the whole pool: a 28 MB pool operand streamed from memory for every 29 queries and 16 MB of scores written twice
    /// (the norms, then the GEMM) and read once, all past the caches.</remarks>
    private sealed class GemmScorer(NNDescentIndex index)
    {
        // Queries per block: each tile of the pool is reused by this many queries while it is in cache.
        private const int QueryBlock = 256;
        private float[] _rows = [], _scores = [], _norms = [], _best = [];
        private int[] _candidates = [];
        private readonly SmallestPerRow _selection = new();

        /// <summary>A pool list for the caller to fill and pass to <see cref="Offer"/>, reused across calls.</summary>
        public List<int> Pool { get; } = [];

        /// <summary>Returns the GEMM entries computed.</summary>
        public long Offer(NeighborHeaps heaps, ReadOnlySpan<int> pool, int queries, int take, Membership members)
        {
            var data = index._local;
            int p = pool.Length, m = queries, d = data.Columns;
            int block = Math.Min(m, QueryBlock), tile = Math.Min(p, index._poolTile);
            take = Math.Min(p, take);
            if (_rows.Length < p * d) _rows = new float[Math.Max(p * d, _rows.Length * 2)];
            if (_norms.Length < p) _norms = new float[Math.Max(p, _norms.Length * 2)];
            if (_scores.Length < block * tile) _scores = new float[block * tile];
            if (_candidates.Length < take) { _candidates = new int[take]; _best = new float[take]; }
            for (int a = 0; a < p; a++)
            {
                var row = data.Row(pool[a]);
                row.CopyTo(_rows.AsSpan(a * d, d));
                _norms[a] = NeighborDistances.Dot(row, row);
            }
            bool cosine = index.Metric == DistanceMetric.Cosine;
            using var scope = torch.NewDisposeScope();
            var u = torch.from_array(_rows).narrow(0, 0, (long)p * d).view(p, d);
            var buffer = torch.from_array(_scores);
            for (int first = 0; first < m; first += block)
            {
                int rows = Math.Min(block, m - first);
                _selection.Begin(rows, take);
                using (var blockScope = torch.NewDisposeScope())
                {
                    var q = u.narrow(0, first, rows);
                    for (int t0 = 0; t0 < p; t0 += tile)
                    {
                        int width = Math.Min(tile, p - t0);
                        using (var tileScope = torch.NewDisposeScope())
                        {
                            // −2 x·y only (beta 0: the buffer's old contents are ignored); the norms are added as the
                            // scores are filtered.
                            var s = buffer.narrow(0, 0, (long)rows * width).view(rows, width);
                            s.addmm_(q, u.narrow(0, t0, width).t(), beta: 0, alpha: -2);
                        }
                        var norms = _norms.AsSpan(t0, width);
                        for (int r = 0; r < rows; r++) _selection.Offer(r, _scores.AsSpan(r * width, width), norms, t0);
                    }
                }
                for (int a = first; a < first + rows; a++)
                {
                    int found = _selection.Take(a - first, _candidates, _best);
                    int point = pool[a];
                    var ra = _rows.AsSpan(a * d, d);
                    members.Begin(heaps, point);
                    // score(a, b) + ‖a‖² = ‖a − b‖² up to the GEMM's rounding; a candidate worse than a's farthest
                    // neighbour by far more than that rounding could be cannot enter, so its distance is not computed
                    // (a decision the rounding cannot change).
                    float normA = _norms[a], worst = heaps.Worst(point);
                    for (int c = 0; c < found; c++)
                    {
                        int b = _candidates[c];
                        if (b == a) continue;
                        float estimate = _best[c] + normA, slack = 1e-4f * (normA + _norms[b]) + 1e-6f;
                        if (cosine) { estimate /= 2; slack /= 2; }
                        if (estimate - slack > worst) continue;
                        // The pool's rows, copied for the GEMM, are still in cache: the same values as the data's rows.
                        heaps.Push(point, pool[b], index.Distance(ra, _rows.AsSpan(b * d, d)), members);
                        worst = heaps.Worst(point);
                    }
                }
            }
            return (long)m * p;
        }
    }


    private (int Rounds, long Distances, long[] Changes) Descend(NeighborHeaps heaps, int k, double[] phases, CancellationToken cancellationToken)
    {
        int n = _local.Rows;
        int cap = Math.Max(1, _maxCandidates ?? Math.Clamp(2 * k, 8, 30));
        int d = _local.Columns;
        bool cosine = Metric == DistanceMetric.Cosine;
        var fresh = new CandidateLists(n, cap);
        var old = new CandidateLists(n, cap);
        int chunks = (n + JoinChunk - 1) / JoinChunk;
        // Target buckets: a fixed partition of the points (not of the threads), so the order of applied updates is fixed.
        int buckets = Math.Clamp(chunks, 1, 64);
        int bucketSize = (n + buckets - 1) / buckets;
        var updates = new List<Update>[JoinBlockChunks, buckets];
        for (int c = 0; c < JoinBlockChunks; c++) for (int b = 0; b < buckets; b++) updates[c, b] = [];
        var chunkDistances = new long[chunks];
        var bucketChanges = new long[buckets];
        long distances = 0;
        var changesPerRound = new List<long>();
        var marks = new MembershipPool(n);
        var sorted = new Update[buckets][];
        for (int b = 0; b < buckets; b++) sorted[b] = [];
        int owners = Math.Min(ReductionThreads.Resolve(_threads), Math.Max(1, n / 1024));
        for (int round = 0; round < _maxIterations; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ulong salt = Hash((ulong)_seed, 0x5EED, (ulong)round);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            // Sampling: each owner keeps the candidate lists of its range of points, reading every list for reverse
            // neighbours; the kept set is the cap entries of smallest (priority, index), whatever the offer order.
            Parallel.For(0, owners, ReductionThreads.Options(_threads, cancellationToken), owner =>
            {
                int lo = (int)((long)n * owner / owners), hi = (int)((long)n * (owner + 1) / owners);
                for (int i = lo; i < hi; i++) { fresh.Clear(i); old.Clear(i); }
                for (int i = 0; i < n; i++)
                {
                    bool ownsI = i >= lo && i < hi;
                    int count = heaps.Count(i);
                    for (int c = 0; c < count; c++)
                    {
                        int j = heaps.Index(i, c);
                        bool ownsJ = j >= lo && j < hi;
                        if (!ownsI && !ownsJ) continue;
                        float priority = Priority(salt, i, j);
                        var lists = heaps.IsNew(i, c) ? fresh : old;
                        if (ownsI) lists.Offer(i, j, priority);
                        if (ownsJ) lists.Offer(j, i, priority);
                    }
                }
                var seen = marks.Rent();
                for (int i = lo; i < hi; i++) { fresh.RemoveRepeats(i, seen); old.RemoveRepeats(i, seen); }
                marks.Return(seen);
            });
            // Sampled new entries are joined this round: from now on they are old (after all sampling has read the flags).
            Parallel.For(0, owners, ReductionThreads.Options(_threads, cancellationToken), owner =>
            {
                int lo = (int)((long)n * owner / owners), hi = (int)((long)n * (owner + 1) / owners);
                var sampled = marks.Rent();
                for (int i = lo; i < hi; i++)
                {
                    sampled.Begin();
                    foreach (int j in fresh.Of(i)) sampled.Add(j);
                    int count = heaps.Count(i);
                    for (int c = 0; c < count; c++)
                        if (heaps.IsNew(i, c) && sampled.Contains(heaps.Index(i, c))) heaps.MarkOld(i, c);
                }
                marks.Return(sampled);
            });

            phases[1] += watch.Elapsed.TotalSeconds;
            watch.Restart();
            long changes = 0;
            for (int blockStart = 0; blockStart < chunks; blockStart += JoinBlockChunks)
            {
                int blockChunks = Math.Min(JoinBlockChunks, chunks - blockStart);
                Parallel.For(0, blockChunks, ReductionThreads.Options(_threads, cancellationToken), c =>
                {
                    int chunk = blockStart + c;
                    for (int b = 0; b < buckets; b++) updates[c, b].Clear();
                    long evaluated = 0;
                    // One point's candidates (new, then old) copied side by side with their current farthest
                    // distances: a join reads each of them about 2·cap times, and from scattered rows of the data and
                    // of the heaps every read would be a cache miss. The distances are the same sums as from the rows
                    // in place, so the graph does not change; only the memory traffic does.
                    var members = new int[2 * cap];
                    var worsts = new float[2 * cap];
                    var rows = new float[2 * cap * d];
                    var block = new float[4];
                    for (int i = chunk * JoinChunk, end = Math.Min(n, i + JoinChunk); i < end; i++)
                    {
                        var newOnes = fresh.Of(i);
                        var oldOnes = old.Of(i);
                        int fresh0 = newOnes.Length, m = fresh0 + oldOnes.Length;
                        if (fresh0 == 0) continue;
                        newOnes.CopyTo(members);
                        oldOnes.CopyTo(members.AsSpan(fresh0));
                        for (int a = 0; a < m; a++)
                        {
                            worsts[a] = heaps.Worst(members[a]);
                            _local.Row(members[a]).CopyTo(rows.AsSpan(a * d, d));
                        }
                        for (int a = 0; a < fresh0; a++)
                        {
                            int u = members[a];
                            var ru = rows.AsSpan(a * d, d);
                            int b = a + 1;
                            for (; !cosine && b + 4 <= m; b += 4)
                            {
                                NeighborDistances.SquaredEuclidean4(ru, rows.AsSpan(b * d, 4 * d), block);
                                for (int e = 0; e < 4; e++) evaluated += Join(c, u, worsts[a], members[b + e], worsts[b + e], block[e]);
                            }
                            for (; b < m; b++)
                                evaluated += Join(c, u, worsts[a], members[b], worsts[b], Distance(ru, rows.AsSpan(b * d, d)));
                        }
                    }
                    chunkDistances[chunk] = evaluated;
                });
                phases[2] += watch.Elapsed.TotalSeconds;
                watch.Restart();
                Array.Clear(bucketChanges);
                Parallel.For(0, buckets, ReductionThreads.Options(_threads, cancellationToken), b =>
                {
                    // Updates of different targets commute: a stable sort by target (counting sort, chunk order kept)
                    // lets each target's list be marked once and then take its updates with O(1) repeat checks.
                    int first = b * bucketSize, size = Math.Max(0, Math.Min(n, first + bucketSize) - first);
                    var offsets = new int[size + 1];
                    int total = 0;
                    for (int c = 0; c < blockChunks; c++)
                    {
                        total += updates[c, b].Count;
                        foreach (var update in updates[c, b]) offsets[update.Target - first + 1]++;
                    }
                    for (int t = 0; t < size; t++) offsets[t + 1] += offsets[t];
                    if (sorted[b].Length < total) sorted[b] = new Update[Math.Max(total, sorted[b].Length * 2)];
                    var order = sorted[b];
                    var next = offsets[..size];
                    for (int c = 0; c < blockChunks; c++)
                        foreach (var update in updates[c, b]) order[next[update.Target - first]++] = update;
                    var members = marks.Rent();
                    long applied = 0;
                    for (int t = 0; t < size; t++)
                    {
                        if (offsets[t] == offsets[t + 1]) continue;
                        members.Begin(heaps, first + t);
                        for (int u = offsets[t]; u < offsets[t + 1]; u++) applied += heaps.Push(order[u].Target, order[u].Other, order[u].Distance, members);
                    }
                    marks.Return(members);
                    bucketChanges[b] = applied;
                });
                changes += bucketChanges.Sum();
                phases[3] += watch.Elapsed.TotalSeconds;
                watch.Restart();
            }
            distances += chunkDistances.Sum();
            changesPerRound.Add(changes);
            if (changes <= _delta * n * k) break;
        }
        return (changesPerRound.Count, distances, changesPerRound.ToArray());

        int Join(int c, int u, float worstU, int v, float worstV, float dist)
        {
            // A repeat (an entry both new and old for this point) is no pair.
            if (u == v) return 0;
            if (dist < worstU) updates[c, u / bucketSize].Add(new Update(u, v, dist));
            if (dist < worstV) updates[c, v / bucketSize].Add(new Update(v, u, dist));
            return 1;
        }
    }

    private readonly record struct Update(int Target, int Other, float Distance);

    /// <summary>A random priority of the pair {i, j}, the same for both orders (so a pair offered from both ends
    /// is one candidate).</summary>
    private static float Priority(ulong salt, int i, int j) =>
        (Hash(salt, (ulong)(uint)Math.Min(i, j), (ulong)(uint)Math.Max(i, j)) >> 40) / (float)(1UL << 24);

    /// <summary>SplitMix64 finaliser over three words.</summary>
    private static ulong Hash(ulong a, ulong b, ulong c)
    {
        ulong z = a * 0x9E3779B97F4A7C15UL ^ (b << 32 | (c & 0xFFFFFFFFUL)) ^ (c >> 32) * 0xD6E8FEB86659FD93UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Per-point max-heaps of (distance, index, is-new), k entries each.</summary>
    private sealed class NeighborHeaps(int n, int k)
    {
        private readonly float[] _distance = Enumerable.Repeat(float.PositiveInfinity, n * k).ToArray();
        private readonly int[] _index = Enumerable.Repeat(-1, n * k).ToArray();
        private readonly bool[] _new = new bool[n * k];
        private readonly int[] _count = new int[n];

        public int K => k;
        public int Count(int i) => _count[i];
        public int Index(int i, int c) => _index[i * k + c];

        /// <summary>The same lists in heaps of <paramref name="length"/> entries (at least k), flagged new.</summary>
        public NeighborHeaps Widen(int length, int threads)
        {
            var wider = new NeighborHeaps(n, length);
            ReductionThreads.ForChunks(n, 4096, threads, (_, start, end) =>
            {
                for (int i = start; i < end; i++)
                    for (int c = 0; c < _count[i]; c++) wider.Push(i, _index[i * k + c], _distance[i * k + c]);
            });
            return wider;
        }

        /// <summary>Every list's indices nearest first, −1 past its count: n × k.</summary>
        public int[] SortedIndices(int threads)
        {
            var sorted = new int[n * k];
            ReductionThreads.ForChunks(n, 1024, threads, (_, start, end) =>
            {
                var distances = new float[k];
                for (int i = start; i < end; i++)
                {
                    var idx = sorted.AsSpan(i * k, k);
                    _index.AsSpan(i * k, k).CopyTo(idx);
                    _distance.AsSpan(i * k, k).CopyTo(distances);
                    idx[_count[i]..].Fill(-1);
                    distances.AsSpan(_count[i]).Fill(float.PositiveInfinity);
                    // Heap order is far from sorted: an introsort, not the insertion sort of nearly sorted lists.
                    distances.AsSpan(0, _count[i]).Sort(idx[.._count[i]]);
                }
            });
            return sorted;
        }
        public bool IsNew(int i, int c) => _new[i * k + c];
        public void MarkOld(int i, int c) => _new[i * k + c] = false;
        public float Worst(int i) => _count[i] < k ? float.PositiveInfinity : _distance[i * k];

        /// <summary>Adds j to i's list, flagged new, if it is closer than the farthest and not there yet; 1 when added.</summary>
        public int Push(int i, int j, float d)
        {
            if (i == j) return 0;
            int offset = i * k;
            if (_count[i] == k && d >= _distance[offset]) return 0;
            for (int c = 0; c < _count[i]; c++) if (_index[offset + c] == j) return 0;
            if (_count[i] < k)
            {
                int slot = _count[i]++;
                _distance[offset + slot] = d; _index[offset + slot] = j; _new[offset + slot] = true;
                SiftUp(offset, slot);
                return 1;
            }
            _distance[offset] = d; _index[offset] = j; _new[offset] = true;
            SiftDown(offset, 0);
            return 1;
        }

        /// <summary>As <see cref="Push(int, int, float)"/>, with i's members marked in <paramref name="members"/>
        /// (<see cref="Membership.Begin(NeighborHeaps, int)"/>): O(1) instead of a pass over the list to refuse repeats.</summary>
        public int Push(int i, int j, float d, Membership members)
        {
            if (i == j) return 0;
            int offset = i * k;
            if (_count[i] == k && d >= _distance[offset]) return 0;
            if (members.Contains(j)) return 0;
            members.Add(j);
            if (_count[i] < k)
            {
                int slot = _count[i]++;
                _distance[offset + slot] = d; _index[offset + slot] = j; _new[offset + slot] = true;
                SiftUp(offset, slot);
                return 1;
            }
            members.Remove(_index[offset]);
            _distance[offset] = d; _index[offset] = j; _new[offset] = true;
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

        /// <summary>The lists in the original numbering (<paramref name="order"/>[local] = original), sorted by
        /// distance, with distances recomputed in the metric (not squared).</summary>
        public KnnGraph ToGraph(DistanceMetric metric, DenseMatrix data, int[] order, int threads)
        {
            var indices = new int[n * k];
            var distances = new float[n * k];
            ReductionThreads.ForChunks(n, 1024, threads, (_, start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    int row = order[i];
                    var idx = indices.AsSpan(row * k, k);
                    var dist = distances.AsSpan(row * k, k);
                    for (int c = 0; c < k; c++)
                    {
                        int j = _index[i * k + c];
                        idx[c] = j < 0 ? -1 : order[j];
                        dist[c] = j < 0 ? float.PositiveInfinity : NeighborDistances.Distance(data.Row(i), data.Row(j), metric);
                    }
                    NeighborDistances.SortByDistance(idx, dist);
                }
            });
            return new KnnGraph(indices, distances, n, k, metric);
        }
    }

    /// <summary>Per-point candidate lists capped at <c>cap</c>: max-heaps on (priority, index) keeping the entries of
    /// smallest priority, so the kept set does not depend on the order of offers.</summary>
    private sealed class CandidateLists(int n, int cap)
    {
        private readonly int[] _index = new int[n * cap];
        private readonly float[] _priority = new float[n * cap];
        private readonly int[] _count = new int[n];

        public void Clear(int i) => _count[i] = 0;

        /// <summary>Drops repeated entries of i's list, keeping the first of each.</summary>
        public void RemoveRepeats(int i, Membership seen)
        {
            seen.Begin();
            int offset = i * cap, kept = 0;
            for (int c = 0; c < _count[i]; c++)
            {
                int j = _index[offset + c];
                if (seen.Contains(j)) continue;
                seen.Add(j);
                _index[offset + kept] = j; _priority[offset + kept] = _priority[offset + c];
                kept++;
            }
            _count[i] = kept;
        }

        public ReadOnlySpan<int> Of(int i) => _index.AsSpan(i * cap, _count[i]);

        private bool Above(int a, int b) => _priority[a] > _priority[b] || (_priority[a] == _priority[b] && _index[a] > _index[b]);

        public void Offer(int i, int j, float priority)
        {
            int offset = i * cap, count = _count[i];
            // Repeats (a pair offered from both ends, with one priority) are kept here and removed once at the end:
            // the cap smallest of the offered multiset, with repeats, do not depend on the offer order either.
            if (count == cap && (priority > _priority[offset] || (priority == _priority[offset] && j >= _index[offset]))) return;
            int slot;
            if (count < cap)
            {
                slot = count;
                _count[i]++;
                _index[offset + slot] = j; _priority[offset + slot] = priority;
                while (slot > 0)
                {
                    int parent = (slot - 1) / 2;
                    if (!Above(offset + slot, offset + parent)) break;
                    Swap(offset + slot, offset + parent);
                    slot = parent;
                }
                return;
            }
            _index[offset] = j; _priority[offset] = priority;
            slot = 0;
            while (true)
            {
                int left = 2 * slot + 1, right = left + 1, largest = slot;
                if (left < cap && Above(offset + left, offset + largest)) largest = left;
                if (right < cap && Above(offset + right, offset + largest)) largest = right;
                if (largest == slot) return;
                Swap(offset + largest, offset + slot);
                slot = largest;
            }
        }

        private void Swap(int a, int b)
        {
            (_index[a], _index[b]) = (_index[b], _index[a]);
            (_priority[a], _priority[b]) = (_priority[b], _priority[a]);
        }
    }

    /// <summary>A set of point indices for one list at a time: marks[j] == token. Starting a new list takes a new
    /// token instead of clearing the marks.</summary>
    private sealed class Membership(int n)
    {
        private readonly int[] _marks = new int[n];
        private int _token;

        public void Begin()
        {
            if (++_token == int.MaxValue) { Array.Clear(_marks); _token = 1; }
        }

        public void Begin(NeighborHeaps heaps, int i)
        {
            Begin();
            for (int c = 0; c < heaps.Count(i); c++) _marks[heaps.Index(i, c)] = _token;
        }

        public bool Contains(int j) => _marks[j] == _token;
        public void Add(int j) => _marks[j] = _token;
        public void Remove(int j) => _marks[j] = 0;
    }

    /// <summary>Memberships for the workers of a parallel loop, reused across loops (one per worker at a time).</summary>
    private sealed class MembershipPool(int n)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<Membership> _free = [];

        public Membership Rent() => _free.TryTake(out var m) ? m : new Membership(n);
        public void Return(Membership m) => _free.Add(m);
    }
}

/// <summary>What one NN-descent graph cost.</summary>
/// <param name="LeafDistances">Distances evaluated to start the lists (pairs within forest leaves, random top-ups).</param>
/// <param name="JoinDistances">Distances evaluated in the local joins of all rounds.</param>
/// <param name="Rounds">Rounds run.</param>
/// <param name="ChangesPerRound">List entries replaced in each round.</param>
/// <param name="PhaseSeconds">Wall seconds of the start (trees' leaves), candidate sampling, local joins and applied
/// updates, summed over rounds, and the refinement passes.</param>
/// <param name="RefineDistances">GEMM entries scored by the neighbours-of-neighbours passes that grow and polish the
/// lists after the descent.</param>
/// <param name="CellPool">Points per cell pool of the k-means start (0: the forest's start).</param>
public sealed record NNDescentStatistics(long LeafDistances, long JoinDistances, int Rounds, long[] ChangesPerRound, double[] PhaseSeconds, long RefineDistances = 0, int CellPool = 0);
