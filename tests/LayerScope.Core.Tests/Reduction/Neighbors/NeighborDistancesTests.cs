using LayerScope.Reduction.Neighbors;

namespace LayerScope.Tests.Reduction.Neighbors;

public class NeighborDistancesTests
{
    // NN-descent's join scores four candidates at once; its graph (and so determinism across versions and thread
    // counts) relies on every one of the four being bit for bit the single-pair distance, tails included.
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(50)]
    [InlineData(67)]
    public void Four_at_once_equal_one_at_a_time_bit_for_bit(int d)
    {
        var random = new Random(d);
        var a = Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() * 10 - 5).ToArray();
        var four = Enumerable.Range(0, 4 * d).Select(_ => (float)random.NextDouble() * 10 - 5).ToArray();
        var result = new float[4];
        NeighborDistances.SquaredEuclidean4(a, four, result);
        for (int e = 0; e < 4; e++)
            Assert.Equal(BitConverter.SingleToInt32Bits(NeighborDistances.SquaredEuclidean(a, four.AsSpan(e * d, d))), BitConverter.SingleToInt32Bits(result[e]));
    }

    // The buffered selection must keep exactly the take smallest (ties to the earlier position) whatever the order in
    // which values arrive: rising rows cut the buffer once, falling rows at every fill, and rows of few distinct values
    // put ties on the boundary.
    [Theory]
    [InlineData(8000, 99, 0)]
    [InlineData(8000, 99, 5)]
    [InlineData(500, 40, 3)]
    [InlineData(1000, 1, 0)]
    [InlineData(30, 30, 0)]
    [InlineData(20, 30, 0)]
    public void Buffered_selection_keeps_the_smallest_with_ties_to_the_earlier(int length, int take, int distinct)
    {
        var random = new Random(length + take);
        foreach (string shape in new[] { "random", "rising", "falling" })
        {
            var row = Enumerable.Range(0, length).Select(i => shape switch
            {
                "rising" => (float)i,
                "falling" => (float)(length - i),
                _ => distinct > 0 ? random.Next(distinct) : (float)random.NextDouble(),
            }).ToArray();
            int kept = Math.Min(take, length);
            var indices = new int[kept];
            var values = new float[kept];
            NeighborDistances.SelectSmallestBuffered(row, indices, values);
            var expected = Enumerable.Range(0, length).OrderBy(i => row[i]).ThenBy(i => i).Take(kept).Order().ToArray();
            Assert.Equal(expected, indices.Order().ToArray());
            for (int c = 0; c < kept; c++) Assert.Equal(row[indices[c]], values[c]);
        }
    }
}
