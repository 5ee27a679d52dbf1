using LayerScope.Errors;
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

    [UnixFact]
    public async Task A_fifo_where_an_array_should_be_skips_that_run_at_once_and_serves_the_others()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "good"), points: 12);
        var bad = Path.Combine(folder.Path, "bad");
        ViewerFixtureRun.Write(bad, points: 12);
        var array = Path.Combine(bad, "scores.npy");
        File.Delete(array);
        UnixFactAttribute.MakeFifo(array);
        var warnings = new List<string>();

        // Opening a FIFO for reading waits for a writer that never comes: before the fix this never returned.
        var scan = Task.Run(() => new RunCatalog(folder.Path, new RunDataCache(1 << 20), TimeSpan.Zero, warnings.Add));
        var catalog = await scan.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["good"], catalog.Runs.Select(r => r.Id));
        var problem = Assert.Single(catalog.Problems);
        Assert.Contains("arrays.scores.file", problem, StringComparison.Ordinal);
        Assert.Contains("a regular file", problem, StringComparison.Ordinal);
        Assert.Equal([$"skipped a run: {problem}"], warnings);
    }

    [UnixFact]
    public async Task A_fifo_that_replaces_an_array_after_listing_is_refused_without_waiting()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 12);
        var catalog = new RunCatalog(folder.Path);
        var run = Assert.Single(catalog.Runs);
        var array = Path.Combine(folder.Path, "scores.npy");
        File.Delete(array);
        UnixFactAttribute.MakeFifo(array);

        var load = Task.Run(() => run.Array("scores"));
        var error = await Assert.ThrowsAsync<DataFormatException>(() => load.WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains("a FIFO", error.Message, StringComparison.Ordinal);
        Assert.NotNull(catalog.Find(run.Id)); // the others (and this run's other arrays) are still served
        Assert.Equal(12, run.Array("labels").Values.Length);
    }

    [Fact]
    public void A_run_list_younger_than_its_maximum_age_is_not_searched_again_and_an_older_one_is()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "first"), points: 12);
        var catalog = new RunCatalog(folder.Path, new RunDataCache(1 << 20), TimeSpan.FromMilliseconds(300), warning: null);

        ViewerFixtureRun.Write(Path.Combine(folder.Path, "second"), points: 12);
        catalog.RefreshIfStale();
        var early = catalog.Runs.Select(r => r.Id).ToList();
        Thread.Sleep(400);
        catalog.RefreshIfStale();

        Assert.Equal(["first"], early);
        Assert.Equal(["first", "second"], catalog.Runs.Select(r => r.Id));
    }

    [Fact]
    public void A_bad_run_is_reported_once_not_at_every_search()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "bad"));
        File.WriteAllText(Path.Combine(folder.Path, "bad", "run.json"), "{}");
        var warnings = new List<string>();
        var catalog = new RunCatalog(folder.Path, new RunDataCache(1 << 20), TimeSpan.Zero, warnings.Add);

        catalog.Refresh();
        catalog.Refresh();

        Assert.Single(warnings);
        Assert.Single(catalog.Problems);
    }

    [Fact]
    public void A_run_whose_file_is_put_right_is_served_at_the_next_search_without_touching_its_manifest()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 12);
        var scores = Path.Combine(folder.Path, "scores.npy");
        var good = File.ReadAllBytes(scores);
        File.WriteAllText(scores, "not an array");
        var catalog = new RunCatalog(folder.Path);
        Assert.Empty(catalog.Runs);

        File.WriteAllBytes(scores, good);
        catalog.Refresh();

        Assert.Single(catalog.Runs);
        Assert.Empty(catalog.Problems);
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
