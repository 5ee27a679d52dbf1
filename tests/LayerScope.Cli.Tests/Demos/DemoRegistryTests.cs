using LayerScope.Cli.Commands;
using LayerScope.Cli.Demos;

namespace LayerScope.Cli.Tests.Demos;

/// <summary>The demo list, the help and the dispatch come from one registry, and each demo takes only its own options.</summary>
public class DemoRegistryTests
{
    private static System.CommandLine.Command DemoCommandOf() =>
        LayerScopeCommandLine.BuildRoot(Terminal.CliTerminal.Recording(new StringWriter(), new StringWriter()))
            .Subcommands.Single(c => c.Name == "demo");

    [Fact]
    public void Every_registered_demo_is_a_subcommand_and_nothing_else_is()
    {
        Assert.Equal(DemoRegistry.All.Select(d => d.Name), DemoCommandOf().Subcommands.Select(c => c.Name));
        Assert.Equal(DemoRegistry.All.Select(d => d.Name), DemoCommand.Demos);
        Assert.Equal(DemoRegistry.Default.Name, DemoCommand.DefaultDemo);
    }

    [Fact]
    public void Demo_without_a_name_takes_the_default_demos_options_only()
    {
        var demo = DemoCommandOf();
        var defaultDemo = demo.Subcommands.Single(c => c.Name == DemoCommand.DefaultDemo);
        Assert.Equal(defaultDemo.Options.Select(o => o.Name).Order(), demo.Options.Select(o => o.Name).Order());
    }

    [Theory]
    [InlineData("banknote", "--steps", "charrnn")]
    [InlineData("charrnn", "--observation", "vowels")]
    [InlineData("vowels", "--text", "charrnn")]
    public void An_option_of_another_demo_is_refused_naming_its_demo(string demo, string option, string owner)
    {
        var run = CliRun.Of("demo", demo, option, "3", "--out", "never-written");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{option} is an option of demo {owner}, not of demo {demo}", run.Error);
        Assert.False(Directory.Exists("never-written"));
    }

    [Fact]
    public void An_option_of_another_demo_is_refused_on_the_default_demo_too()
    {
        var run = CliRun.Of("demo", "--epochs", "3");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--epochs is an option of demo banknote, vowels, imdb and cnn, not of demo charrnn", run.Error);
    }

    [Fact]
    public void Options_written_before_the_demo_name_are_refused_not_ignored()
    {
        var run = CliRun.Of("demo", "--steps", "5", "banknote", "--data", "missing", "--out", "never-written");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--steps is written before 'banknote' and would be ignored", run.Error + run.Output);
    }
}
