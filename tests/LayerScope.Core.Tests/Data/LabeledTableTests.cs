using LayerScope.Data;

namespace LayerScope.Tests.Data;

public class LabeledTableTests
{
    /// <summary>Row i has features (i, 10 i) and label i % 3, so every row can be recognised after a shuffle.</summary>
    private static LabeledTable Numbered(int rows) => new(
        Enumerable.Range(0, rows).SelectMany(i => new[] { (float)i, 10f * i }).ToArray(), rows, 2,
        Enumerable.Range(0, rows).Select(i => i % 3).ToArray(), ["a", "b"], ["x", "y", "z"], "numbers");

    [Theory]
    [InlineData(1, 0.25, 2)]
    [InlineData(3, 0.1, 5)]
    [InlineData(3, 0.9, 6)]
    public void A_split_that_would_leave_a_part_empty_says_how_many_rows_are_needed(int rows, double fraction, int needed)
    {
        var error = Assert.Throws<LayerScope.Errors.LayerScopeException>(() => Numbered(rows).Split(fraction, seed: 1));

        Assert.Contains($"need at least {needed} rows", error.Message);
        Assert.Contains("numbers", error.Message);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var table = Numbered(100);

        var first = table.Split(0.25, seed: 42);
        var again = table.Split(0.25, seed: 42);
        var other = table.Split(0.25, seed: 43);

        Assert.Equal(first.Test.Features, again.Test.Features);
        Assert.Equal(first.Train.Labels, again.Train.Labels);
        Assert.NotEqual(first.Test.Features, other.Test.Features);
    }

    [Fact]
    public void A_split_keeps_every_row_once_with_its_own_label()
    {
        var table = Numbered(50);

        var (train, test) = table.Split(0.3, seed: 1);

        Assert.Equal(15, test.Rows);
        Assert.Equal(35, train.Rows);
        var seen = new List<int>();
        foreach (var part in new[] { train, test })
            for (var r = 0; r < part.Rows; r++)
            {
                var id = (int)part.Row(r)[0];
                Assert.Equal(10f * id, part.Row(r)[1]);
                Assert.Equal(id % 3, part.Labels[r]);
                seen.Add(id);
            }
        Assert.Equal(Enumerable.Range(0, 50), seen.Order());
    }

    [Fact]
    public void A_split_shuffles_rather_than_cutting_the_file_in_order()
    {
        var (_, test) = Numbered(100).Split(0.5, seed: 3);

        var ids = Enumerable.Range(0, test.Rows).Select(r => (int)test.Row(r)[0]).ToList();
        Assert.NotEqual(Enumerable.Range(0, 50), ids.Order());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Test_fractions_outside_0_to_1_are_refused(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(fraction, seed: 0));
    }

    [Fact]
    public void Inconsistent_sizes_and_labels_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LabeledTable(new float[5], 2, 2, [0, 0], ["a", "b"], ["x"], "s"));
        Assert.Throws<ArgumentException>(() => new LabeledTable(new float[4], 2, 2, [0], ["a", "b"], ["x"], "s"));
        Assert.Throws<ArgumentException>(() => new LabeledTable(new float[4], 2, 2, [0, 0], ["a"], ["x"], "s"));
        Assert.Throws<ArgumentException>(() => new LabeledTable(new float[4], 2, 2, [0, 1], ["a", "b"], ["x"], "s"));
    }
}
