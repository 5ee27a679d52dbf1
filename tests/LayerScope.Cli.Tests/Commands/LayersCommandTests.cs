namespace LayerScope.Cli.Tests.Commands;

public class LayersCommandTests
{
    [Fact]
    public void Layers_of_a_zoo_model_prints_the_layer_table()
    {
        var run = CliRun.Of("layers", "--zoo", "banknote-mlp");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("fc1", run.Output);
        Assert.Contains("(N, 2)", run.Output);
        Assert.Contains("Total parameters: 13", run.Output);
    }

    [Fact]
    public void Layers_without_a_model_lists_the_zoo()
    {
        var run = CliRun.Of("layers");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("banknote-mlp-deep", run.Output);
    }

    [Fact]
    public void Unknown_zoo_model_fails_with_a_suggestion()
    {
        var run = CliRun.Of("layers", "--zoo", "banknote");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Did you mean 'banknote-mlp'", run.Error);
    }
}
