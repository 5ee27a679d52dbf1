using LayerScope.Data;

namespace LayerScope.Tests.Data;

public class DataDirectoryTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_data_option_wins_over_the_environment_variable()
    {
        var choice = DataDirectory.Choose("/srv/data", Environment(("LAYERSCOPE_DATA", "/env/data"), ("HOME", "/home/u")));

        Assert.Equal(Path.GetFullPath("/srv/data"), choice.Path);
        Assert.Equal(DataDirectorySource.CommandLine, choice.Source);
        Assert.Contains("DataDirectory setting", choice.Reason);
    }

    [Fact]
    public void The_environment_variable_is_used_when_no_option_is_given()
    {
        var choice = DataDirectory.Choose(null, Environment(("LAYERSCOPE_DATA", "/env/data"), ("HOME", "/home/u")));

        Assert.Equal(Path.GetFullPath("/env/data"), choice.Path);
        Assert.Equal(DataDirectorySource.EnvironmentVariable, choice.Source);
        Assert.Contains("LAYERSCOPE_DATA", choice.Describe());
    }

    [Fact]
    public void A_blank_option_counts_as_not_given()
    {
        var choice = DataDirectory.Choose("  ", Environment(("LAYERSCOPE_DATA", "/env/data")));

        Assert.Equal(DataDirectorySource.EnvironmentVariable, choice.Source);
    }

    [Fact]
    public void Without_settings_the_per_user_cache_folder_is_used_and_the_message_names_both_settings()
    {
        if (OperatingSystem.IsWindows()) return;

        var choice = DataDirectory.Choose(null, Environment(("HOME", "/home/u")));

        Assert.Equal("/home/u/.cache/layerscope/data", choice.Path);
        Assert.Equal(DataDirectorySource.UserCache, choice.Source);
        Assert.Contains("DataDirectory setting", choice.Reason);
        Assert.Contains("LAYERSCOPE_DATA", choice.Reason);
    }

    [Fact]
    public void An_absolute_xdg_cache_home_is_honoured_and_a_relative_one_ignored()
    {
        if (OperatingSystem.IsWindows()) return;

        var absolute = DataDirectory.Choose(null, Environment(("XDG_CACHE_HOME", "/var/cache/u"), ("HOME", "/home/u")));
        var relative = DataDirectory.Choose(null, Environment(("XDG_CACHE_HOME", "cache"), ("HOME", "/home/u")));

        Assert.Equal("/var/cache/u/layerscope/data", absolute.Path);
        Assert.Equal("/home/u/.cache/layerscope/data", relative.Path);
    }

    [Fact]
    public void Resolve_returns_the_chosen_path()
    {
        Assert.Equal(Path.GetFullPath("some/folder"), DataDirectory.Resolve("some/folder"));
    }
}
