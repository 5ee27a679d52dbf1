using LayerScope.Arrays;
using LayerScope.Errors;

namespace LayerScope.Units;

/// <summary>One example's strongest response in a channel: its maximum over positions and where it is.</summary>
/// <param name="Example">Index of the example in the scanned data.</param>
/// <param name="Activation">The channel's largest value for that example.</param>
/// <param name="Row">Row of the arg-max (0 for 1-D maps); the first one in row-major order on ties.</param>
/// <param name="Column">Column (or time step) of the arg-max.</param>
public readonly record struct UnitHit(int Example, float Activation, int Row, int Column);

/// <summary>
/// Streams a layer's activations [batch, C, H, W] (or [batch, C, L]) and keeps, per channel, the top-k examples by
/// their maximum activation in that channel, plus each channel's mean activation over all examples and each neuron's
/// (channel and position) mean over all examples. Memory is O(C·(k + H·W)) whatever the data size: each channel has a bounded min-heap whose root is the weakest kept hit, so a batch
/// is folded in and dropped, and no N×C×H×W array ever exists.
/// </summary>
public sealed class ChannelTopActivations
{
    // Root = the worst kept hit: the lowest activation, and among equals the latest example (earlier examples win ties,
    // so the result equals a stable sort of all examples).
    private static readonly Comparer<(float Activation, int Example)> WorstFirst =
        Comparer<(float Activation, int Example)>.Create((a, b) => a.Activation != b.Activation ? a.Activation.CompareTo(b.Activation) : b.Example.CompareTo(a.Example));

    private readonly PriorityQueue<UnitHit, (float, int)>[] _heaps;
    private readonly double[] _meanSums;
    // Per channel and position, the sum and count of finite values: a neuron's own mean, the reference of a synthesis
    // that raises one neuron. Allocated with the first batch, when the map size is known.
    private double[]? _positionSums;
    private long[]? _positionCounts;
    private long[]? _exampleShape;

    /// <param name="layer">The layer's name, for messages.</param>
    /// <param name="channels">Channels (axis 1 of each batch).</param>
    /// <param name="k">Hits kept per channel.</param>
    public ChannelTopActivations(string layer, int channels, int k = 9)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Layer = layer;
        K = k;
        _heaps = Enumerable.Range(0, channels).Select(_ => new PriorityQueue<UnitHit, (float, int)>(k + 1, WorstFirst)).ToArray();
        _meanSums = new double[channels];
    }

    public string Layer { get; }
    public int K { get; }
    public int Channels => _heaps.Length;

    /// <summary>Examples folded in so far.</summary>
    public int Examples { get; private set; }

    /// <summary>Values that were NaN or infinite (left out of the ranking and the means; non-zero means the layer
    /// produced non-finite numbers, which a report should say).</summary>
    public long NonFiniteValues { get; private set; }

    /// <summary>Rows and columns of one channel's map (rows 1 for 1-D maps); null before the first batch.</summary>
    public (int Rows, int Columns)? MapSize => _exampleShape is null ? null
        : _exampleShape.Length == 3 ? ((int)_exampleShape[1], (int)_exampleShape[2]) : (1, (int)_exampleShape[1]);

    /// <summary>Folds in a batch [B, C, H, W] or [B, C, L] whose first example has index <paramref name="firstExample"/>.</summary>
    /// <exception cref="LayerScopeException">The batch is not [B, C, H, W] / [B, C, L] with this accumulator's channels,
    /// or its map size differs from earlier batches.</exception>
    public void Add(Float32Array batch, int firstExample)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var shape = batch.Shape;
        if (shape.Length is not (3 or 4) || shape[1] != Channels)
            throw new LayerScopeException($"layer '{Layer}' has shape {batch.ShapeText}; channel units need [N, {Channels}, H, W] or [N, {Channels}, L] "
                + "(a convolution's output, channels first).");
        var exampleShape = shape[1..];
        if (_exampleShape is not null && !_exampleShape.SequenceEqual(exampleShape))
            throw new LayerScopeException($"layer '{Layer}' produced [{string.Join(", ", exampleShape)}] per example, but [{string.Join(", ", _exampleShape)}] earlier.");
        _exampleShape = exampleShape;
        int columns = (int)shape[^1];
        int mapSize = checked((int)Shapes.Product(shape[2..]));
        _positionSums ??= new double[Channels * mapSize];
        _positionCounts ??= new long[Channels * mapSize];
        var values = batch.Values.AsSpan();
        for (int b = 0; b < shape[0]; b++)
        {
            int example = firstExample + b;
            for (int c = 0; c < Channels; c++)
            {
                var map = values.Slice((b * Channels + c) * mapSize, mapSize);
                var positionSums = _positionSums.AsSpan(c * mapSize, mapSize);
                var positionCounts = _positionCounts.AsSpan(c * mapSize, mapSize);
                float best = float.NegativeInfinity;
                int at = -1;
                double sum = 0;
                int finite = 0;
                for (int p = 0; p < map.Length; p++)
                {
                    float v = map[p];
                    if (!float.IsFinite(v)) { NonFiniteValues++; continue; }
                    sum += v;
                    finite++;
                    positionSums[p] += v;
                    positionCounts[p]++;
                    if (at < 0 || v > best) (best, at) = (v, p);
                }
                if (finite > 0) _meanSums[c] += sum / finite;
                if (at >= 0) Offer(c, new UnitHit(example, best, at / columns, at % columns));
            }
        }
        Examples = Math.Max(Examples, firstExample + (int)shape[0]);
    }

    /// <summary>The kept hits of <paramref name="channel"/>, strongest first (earlier examples first on ties).</summary>
    public IReadOnlyList<UnitHit> Top(int channel) =>
        _heaps[channel].UnorderedItems.Select(e => e.Element).OrderByDescending(h => h.Activation).ThenBy(h => h.Example).ToList();

    /// <summary>Each channel's activation averaged over positions, then over the examples folded in.</summary>
    public double[] MeanActivation() => _meanSums.Select(s => Examples == 0 ? double.NaN : s / Examples).ToArray();

    /// <summary>The mean over the examples of one neuron: <paramref name="channel"/> at <paramref name="position"/>
    /// (row 0 for 1-D maps); the channel's mean over positions (<see cref="MeanActivation"/>) when the position is
    /// null. NaN before the first batch or when the neuron never had a finite value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The channel or position is outside the maps.</exception>
    public double Mean(int channel, UnitPosition? position = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        if (position is not { } p) return MeanActivation()[channel];
        if (MapSize is not var (rows, columns) || _positionSums is null || _positionCounts is null) return double.NaN;
        if (p.Row < 0 || p.Row >= rows || p.Column < 0 || p.Column >= columns)
            throw new ArgumentOutOfRangeException(nameof(position), $"{p} is outside the {rows}×{columns} maps of layer '{Layer}'.");
        int at = (channel * rows + p.Row) * columns + p.Column;
        return _positionCounts[at] == 0 ? double.NaN : _positionSums[at] / _positionCounts[at];
    }

    /// <summary>The mean over the examples of what <paramref name="image"/>'s synthesis raised (its channel's neuron
    /// at its position, or its channel's mean): the quantity its objective is compared with.</summary>
    public double Mean(MaximizedInput image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Mean(checked((int)image.Channel), image.Position);
    }

    private void Offer(int channel, UnitHit hit)
    {
        var heap = _heaps[channel];
        var priority = (hit.Activation, hit.Example);
        if (heap.Count < K) heap.Enqueue(hit, priority);
        else if (heap.TryPeek(out _, out var worst) && WorstFirst.Compare(priority, worst) > 0) heap.DequeueEnqueue(hit, priority);
    }
}
