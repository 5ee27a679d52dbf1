using LayerScope.Testing;

namespace LayerScope.Server.Tests;

public class RunCatalogTests
{
    [Fact]
    public void Runs_are_found_down_to_three_levels_and_no_deeper()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 12, title: "top");
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "a", "b", "c"), points: 12, title: "three down");
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "a", "b", "c", "d"), points: 12, title: "four down");

        var catalog = new RunCatalog(folder.Path);

        Assert.Equal(["three down", "top"], catalog.Runs.Select(r => r.Manifest.Title).Order(StringComparer.Ordinal));
        Assert.Contains(catalog.Runs, r => r.Id == "a.b.c");
    }

    [Fact]
    public void Runs_being_written_in_hidden_staging_folders_are_not_listed()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, ".demo.staging-0123"), points: 12);

        Assert.Empty(new RunCatalog(folder.Path).Runs);
    }

    [Fact]
    public void A_broken_run_is_left_out_and_its_problem_reported()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "good"), points: 12);
        Directory.CreateDirectory(Path.Combine(folder.Path, "bad"));
        File.WriteAllText(Path.Combine(folder.Path, "bad", "run.json"), "{}");

        var catalog = new RunCatalog(folder.Path);

        Assert.Equal(["good"], catalog.Runs.Select(r => r.Id));
        Assert.Contains("bad", Assert.Single(catalog.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_written_later_appears_after_a_refresh_and_ids_stay_stable()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "first"), points: 12);
        var catalog = new RunCatalog(folder.Path);

        ViewerFixtureRun.Write(Path.Combine(folder.Path, "second"), points: 12);
        catalog.Refresh();

        Assert.Equal(["first", "second"], catalog.Runs.Select(r => r.Id));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("with space/and ü", "with-space-and--")]
    [InlineData("a..b", "a.b")]
    [InlineData("..", "run")]
    public void Ids_hold_only_url_safe_characters_and_never_two_dots(string text, string id)
    {
        Assert.Equal(id, RunCatalog.Slug(text));
    }
}
