using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Tests.Commands;

/// <summary>Core names settings; the command line shows its flags instead, translated in one place.</summary>
public class SettingFlagsTests
{
    [Theory]
    [InlineData("InspectOptions.Layer is empty; name a tensor, node or module scope.", "--layer is empty")]
    [InlineData("out: choose another target folder (StagedDirectory target) or empty it.", "choose another --out or empty it")]
    [InlineData("ExplainOptions.Method 'x' is unknown.", "--method 'x' is unknown")]
    public void Setting_names_become_flags(string message, string expected)
    {
        Assert.Contains(expected, SettingFlags.Translate(message), StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_error_reaches_the_terminal_with_the_flag()
    {
        var run = CliRun.Of("inspect", "--model", "m.onnx", "--layer", " ", "--input", "x.npy", "--out", "never-written");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--layer is empty", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("InspectOptions", run.Error, StringComparison.Ordinal);
    }
}
