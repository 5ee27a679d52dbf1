using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;

namespace LayerScope.Tests.Reduction.Neighbors;

public class KdTreeTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Nearest_equals_a_brute_force_scan_including_ties_and_duplicates(int dims)
    {
        // Coordinates on a coarse grid: many points share a distance, and some coincide, so the tie rule (lower
        // index first) and the visits of the far side at the splitting plane are both exercised.
        var random = new Random(3);
        int n = 3000, k = 10;
        var values = new float[n * dims];
        for (int i = 0; i < values.Length; i++) values[i] = random.Next(40) * 0.25f;
        var points = new DenseMatrix(values, n, dims);
        var tree = new KdTree(points);
        var indices = new int[k];
        var distances = new float[k];
        for (int q = 0; q < n; q += 7)
        {
            int exclude = q % 2 == 0 ? q : -1;
            tree.Nearest(points.Row(q), k, exclude, indices, distances);
            var expected = Enumerable.Range(0, n).Where(j => j != exclude)
                .Select(j => (D: NeighborDistances.SquaredEuclidean(points.Row(q), points.Row(j)), J: j))
                .OrderBy(p => p.D).ThenBy(p => p.J).Take(k).ToArray();
            Assert.Equal(expected.Select(p => p.J), indices);
            Assert.Equal(expected.Select(p => p.D), distances);
        }
    }
}
