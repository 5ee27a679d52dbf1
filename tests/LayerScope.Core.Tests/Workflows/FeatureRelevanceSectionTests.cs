using LayerScope.Arrays;
using LayerScope.Workflows.Sections;

namespace LayerScope.Tests.Workflows;

public class FeatureRelevanceSectionTests
{
    [Fact]
    public void Rows_are_the_mean_absolute_relevance_and_the_mean_per_class()
    {
        // Three examples, two features; classes 0, 1, 1.
        var relevance = new Float32Array("r", [1, -2, -3, 4, 5, 0], [3, 2]);
        var rows = new FeatureRelevanceSection(["a", "b"], relevance, [0, 1, 1], ["no", "yes"]).Rows();

        Assert.Equal(("a", 3.0), (rows[0].Feature, rows[0].MeanAbsolute));
        Assert.Equal([1.0, 1.0], rows[0].MeanByClass);
        Assert.Equal(2.0, rows[1].MeanAbsolute);
        Assert.Equal([-2.0, 2.0], rows[1].MeanByClass);
    }

    [Fact]
    public void Feature_names_that_do_not_match_the_columns_are_refused()
    {
        var relevance = new Float32Array("r", [1, 2], [1, 2]);
        Assert.Throws<ArgumentException>(() => new FeatureRelevanceSection(["only one"], relevance, [0], ["c"]).Rows());
    }
}
