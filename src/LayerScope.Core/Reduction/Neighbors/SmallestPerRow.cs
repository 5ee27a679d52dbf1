using System.Runtime.Intrinsics;

namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// The <c>take</c> smallest values of many rows at once, each row offered in pieces (tiles of GEMM scores, left to
/// right): per row a buffer of 4 × take candidates below a running threshold, cut to its take smallest by a
/// quickselect whenever it fills (<see cref="NeighborDistances.SelectSmallestBuffered"/>'s method, across calls).
/// Pieces arrive in position order and a cut keeps buffer order, so the choice is the one that selection makes on the
/// whole row at once: ties at the boundary to the lower position. One per worker: it owns its buffers.
/// </summary>
internal sealed class SmallestPerRow
{
    private int _take, _cap;
    private int[] _index = [], _count = [];
    private float[] _value = [], _threshold = [], _scratch = [];

    /// <summary>Starts <paramref name="rows"/> empty rows that keep <paramref name="take"/> values each.</summary>
    public void Begin(int rows, int take)
    {
        _take = Math.Max(1, take);
        // The result does not depend on the buffer's size; at 70,000 blob points (90-NN) buffers of 2, 4 and 8 × take
        // cost the same (5.86, 5.88, 5.92 CPU s).
        _cap = Math.Max(4 * _take, _take + 64);
        if (_index.Length < rows * _cap) { _index = new int[rows * _cap]; _value = new float[rows * _cap]; }
        if (_count.Length < rows) { _count = new int[rows]; _threshold = new float[rows]; }
        if (_scratch.Length < _cap) _scratch = new float[_cap];
        Array.Clear(_count, 0, rows);
        _threshold.AsSpan(0, rows).Fill(float.PositiveInfinity);
    }

    /// <summary>Offers row <paramref name="row"/> the values scores[c] + addends[c] at positions first + c. The sum is
    /// formed here, not in the GEMM's output, so the GEMM need not first fill its output with the addends (one more
    /// pass over the scores).</summary>
    public void Offer(int row, ReadOnlySpan<float> scores, ReadOnlySpan<float> addends, int first)
    {
        var index = _index.AsSpan(row * _cap, _cap);
        var value = _value.AsSpan(row * _cap, _cap);
        int count = _count[row], j = 0, length = scores.Length;
        float threshold = _threshold[row];
        Span<float> lanes = stackalloc float[16];
        for (; j + 16 <= length; j += 16)
        {
            // Past the first tiles nearly every vector is above the threshold: one comparison skips it, and of the
            // others only the lanes below it are visited.
            ulong below = Below(scores.Slice(j, 16), addends.Slice(j, 16), threshold, lanes);
            if (below != 0) count = Enter(below, lanes, first + j, index, value, count, ref threshold);
        }
        for (; j < length; j++)
        {
            float v = scores[j] + addends[j];
            if (v >= threshold) continue;
            index[count] = first + j; value[count] = v;
            if (++count == _cap) count = NeighborDistances.Cut(index, value, _scratch, count, _take, out threshold);
        }
        _count[row] = count;
        _threshold[row] = threshold;
    }

    /// <summary>Writes the 16 sums scores + addends into <paramref name="lanes"/> and returns the mask of those below
    /// <paramref name="threshold"/> (bit c for lane c): one AVX-512 vector, or two of 256 bits.</summary>
    private static ulong Below(ReadOnlySpan<float> scores, ReadOnlySpan<float> addends, float threshold, Span<float> lanes)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var sum = Vector512.Create(scores) + Vector512.Create(addends);
            sum.CopyTo(lanes);
            return Vector512.LessThan(sum, Vector512.Create(threshold)).ExtractMostSignificantBits();
        }
        var low = Vector256.Create(scores) + Vector256.Create(addends);
        var high = Vector256.Create(scores[8..]) + Vector256.Create(addends[8..]);
        low.CopyTo(lanes);
        high.CopyTo(lanes[8..]);
        var limit = Vector256.Create(threshold);
        return Vector256.LessThan(low, limit).ExtractMostSignificantBits() | (ulong)Vector256.LessThan(high, limit).ExtractMostSignificantBits() << 8;
    }

    /// <summary>Buffers the lanes set in <paramref name="below"/> (position + lane) that are still below the threshold,
    /// cutting the buffer when it fills; returns the new count.</summary>
    private int Enter(ulong below, ReadOnlySpan<float> lanes, int position, Span<int> index, Span<float> value, int count, ref float threshold)
    {
        for (; below != 0; below &= below - 1)
        {
            int c = System.Numerics.BitOperations.TrailingZeroCount(below);
            float v = lanes[c];
            if (v >= threshold) continue; // a cut in this vector lowered the threshold
            index[count] = position + c; value[count] = v;
            if (++count == _cap) count = NeighborDistances.Cut(index, value, _scratch, count, _take, out threshold);
        }
        return count;
    }

    /// <summary>Writes row <paramref name="row"/>'s smallest values (at most take; fewer when fewer were offered) and
    /// their positions, in no particular order, and returns how many.</summary>
    public int Take(int row, Span<int> indices, Span<float> values)
    {
        var index = _index.AsSpan(row * _cap, _cap);
        var value = _value.AsSpan(row * _cap, _cap);
        int count = _count[row];
        if (count > _take) count = NeighborDistances.Cut(index, value, _scratch, count, _take, out _);
        index[..count].CopyTo(indices);
        value[..count].CopyTo(values);
        return count;
    }
}
