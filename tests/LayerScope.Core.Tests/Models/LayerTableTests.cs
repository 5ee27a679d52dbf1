using LayerScope.Models;

namespace LayerScope.Tests.Models;

public class LayerTableTests
{
    [Fact]
    public void Banknote_mlp_table_lists_shapes_parameter_counts_and_settings()
    {
        var table = ModelZoo.Describe(ModelZoo.Get("banknote-mlp"));

        Assert.Equal(["fc1", "relu1", "output", "sigmoid"], table.Layers.Select(l => l.Name));
        var fc1 = table.Layers[0];
        Assert.Equal("Linear", fc1.Type);
        Assert.Equal("(N, 2)", fc1.OutputShapeText);
        Assert.Equal(4 * 2 + 2, fc1.ParameterCount);
        Assert.Contains(new KeyValuePair<string, string>("units", "2"), fc1.Config);
        Assert.Equal("activation=relu", table.Layers[1].ConfigText);
        Assert.Equal(10 + 3, table.TotalParameters);
    }

    [Fact]
    public void Text_table_has_a_row_per_layer_and_the_total()
    {
        var text = ModelZoo.Describe(ModelZoo.Get("banknote-mlp-deep")).ToText();
        Assert.Contains("fc2", text);
        Assert.Contains("(N, 3)", text);
        Assert.Contains("Total parameters: 26", text);
    }

    [Fact]
    public void Unknown_zoo_model_suggests_the_closest_name()
    {
        var error = Assert.Throws<LayerScope.Errors.LayerScopeException>(() => ModelZoo.Get("banknote-mpl"));
        Assert.Contains("'banknote-mlp'", error.Message);
    }
}
