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
}
