using System.Text.Json;
using LayerScope.Cli;
using LayerScope.Cli.Terminal;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

public class EmbedCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = LayerScopeCommandLine.Run(args, CliTerminal.Recording(output, error));
        return (code, output.ToString(), error.ToString());
    }

    private static (string X, string Labels) WriteClusters(TemporaryFolder folder, int n = 600)
    {
        var (x, labels) = SyntheticClusters.Gaussian(n, 20, clusters: 6, separation: 3, seed: 5);
        string xPath = folder.File("x.npy"), yPath = folder.File("y.npy");
        NpyWriter.Write(xPath, NpyArray.Create(x.Values, n, 20));
        NpyWriter.Write(yPath, NpyArray.Create(labels.Select(l => (long)l).ToArray(), n));
        return (xPath, yPath);
    }

    [Theory]
    [InlineData("tsne")]
    [InlineData("umap")]
    [InlineData("pca")]
    public void Embed_writes_the_embedding_and_quality_reads_it(string method)
    {
        using var folder = new TemporaryFolder();
        var (x, y) = WriteClusters(folder);
        string e = folder.File("e.npy");
        var (code, output, error) = Run("embed", x, "--method", method, "--iterations", "300", "--labels", y, "--out", e, "--perplexity", "20");
        Assert.True(code == 0, error);
        Assert.Contains("10-NN label accuracy", output);
        Assert.Contains("(all 600 points)", output);
        var embedding = NpyReader.Read(e);
        Assert.Equal(new long[] { 600, 2 }, embedding.Shape);
        var manifest = RunManifestReader.Read(folder.File("e.run"));
        Assert.Equal(600, manifest.Points);
        Assert.Equal(method, Assert.Single(manifest.Embeddings).Method);
        Assert.Equal(new long[] { 600, 20 }, manifest.Arrays[Assert.Single(manifest.Activations).Array].Shape);
        Assert.Equal(["0", "1", "2", "3", "4", "5"], Assert.Single(manifest.Columns).Categories);

        (code, output, error) = Run("quality", e, "--high", x, "--labels", y);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.InRange(json.RootElement.GetProperty("trustworthiness").GetDouble(), 0.8, 1.0);
        Assert.InRange(json.RootElement.GetProperty("labelAccuracy").GetDouble(), 0.95, 1.0);
        Assert.False(json.RootElement.GetProperty("subsampled").GetBoolean());
    }

    [Fact]
    public void Plot_draws_the_embedding_colored_by_label_and_a_3d_embedding_by_its_first_two_axes()
    {
        using var folder = new TemporaryFolder();
        var (x, y) = WriteClusters(folder, 300);
        string png = folder.File("plots/e.png");
        var (code, output, error) = Run("embed", x, "--method", "pca", "--labels", y, "--out", folder.File("e.npy"), "--plot", png);
        Assert.True(code == 0, error);
        Assert.Contains("wrote the scatter to", output);
        using (var bitmap = SkiaSharp.SKBitmap.Decode(png))
        {
            Assert.Equal((760, 600), (bitmap.Width, bitmap.Height));
            // Six classes in six palette colors (plus background, axes, text and anti-aliasing).
            var saturated = bitmap.Pixels.Where(p => Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 80)
                .Select(p => (p.Red / 32, p.Green / 32, p.Blue / 32)).Distinct().Count();
            Assert.True(saturated >= 6, $"only {saturated} saturated colors in the scatter");
        }

        string png3 = folder.File("e3.png");
        (code, _, error) = Run("embed", x, "--method", "pca", "--dims", "3", "--out", folder.File("e3.npy"), "--plot", png3);
        Assert.True(code == 0, error);
        using var bitmap3 = SkiaSharp.SKBitmap.Decode(png3);
        Assert.Equal(760, bitmap3.Width);
    }

    [Fact]
    public void Invalid_settings_and_mismatched_labels_are_clear_errors()
    {
        using var folder = new TemporaryFolder();
        var (x, _) = WriteClusters(folder, 60);
        var (code, _, error) = Run("embed", x, "--perplexity", "25", "--dims", "5", "--out", folder.File("e.npy"));
        Assert.Equal(ErrorPresenter.UserError, code);
        Assert.Contains("perplexity 25 is too large for 60 points", error);
        Assert.Contains("dimensions 5 must be 2 or 3", error);

        string labels = folder.File("bad.npy");
        NpyWriter.Write(labels, NpyArray.Create(new long[] { 1, 2, 3 }, 3));
        (code, _, error) = Run("embed", x, "--perplexity", "5", "--labels", labels, "--out", folder.File("e.npy"));
        Assert.Equal(ErrorPresenter.UserError, code);
        Assert.Contains("60 labels (one per point of X)", error);
    }

    [Fact]
    public void Cli_defaults_are_the_options_defaults()
    {
        var root = LayerScopeCommandLine.BuildRoot(CliTerminal.Recording(new StringWriter(), new StringWriter()));
        var parse = root.Parse(["embed", "x.npy", "--out", "e.npy"]);
        var embed = root.Subcommands.Single(c => c.Name == "embed");
        object? Value(string name) => parse.GetResult(embed.Options.Single(o => o.Name == name)) is { } r
            ? r.GetType().GetMethod("GetValueOrDefault")!.MakeGenericMethod(typeof(object)).Invoke(r, null) : null;
        var tsne = new LayerScope.Reduction.Tsne.TsneOptions();
        var umap = new LayerScope.Reduction.Umap.UmapOptions();
        Assert.Equal(tsne.Perplexity, Value("--perplexity"));
        Assert.Equal(tsne.PcaComponents, Value("--pca"));
        Assert.Equal(tsne.Dimensions, Value("--dims"));
        Assert.Equal(umap.Neighbors, Value("--neighbors"));
        Assert.Equal(umap.MinDist, Value("--min-dist"));
    }

    [Fact]
    public void Tsne_with_its_pca_start_and_exact_neighbours_ignores_the_seed_and_the_help_says_so()
    {
        using var folder = new TemporaryFolder();
        var (x, _) = WriteClusters(folder, 200);
        string a = folder.File("a.npy"), b = folder.File("b.npy");

        var first = Run("embed", x, "--method", "tsne", "--iterations", "60", "--perplexity", "15", "--threads", "1", "--seed", "1", "--out", a);
        var second = Run("embed", x, "--method", "tsne", "--iterations", "60", "--perplexity", "15", "--threads", "1", "--seed", "99", "--out", b);
        var help = Run("embed", "--help");

        Assert.True(first.Code == 0 && second.Code == 0, first.Error + second.Error);
        Assert.Equal(NpyReader.Read(a).ToFloat32(), NpyReader.Read(b).ToFloat32());
        Assert.Contains("every seed gives the same embedding", help.Output.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary>10-NN label accuracy of <paramref name="points"/> (rows <paramref name="from"/>.. of
    /// <paramref name="positions"/>) against the labelled positions of rows 0..<paramref name="fitted"/>−1.</summary>
    private static double PlacedLabelAccuracy(float[] positions, int dims, int fitted, int from, int count, int[] labels, float[] placed)
    {
        int correct = 0;
        for (int i = 0; i < count; i++)
        {
            var nearest = Enumerable.Range(0, fitted)
                .OrderBy(j => Enumerable.Range(0, dims).Sum(a => Math.Pow(placed[i * dims + a] - positions[j * dims + a], 2)))
                .Take(10).GroupBy(j => labels[j]).OrderByDescending(g => g.Count()).First().Key;
            if (nearest == labels[from + i]) correct++;
        }
        return correct / (double)count;
    }

    [Theory]
    [InlineData("tsne")]
    [InlineData("umap")]
    public void Reference_places_new_points_into_a_fitted_run_as_well_as_a_full_fit_embeds_them(string method)
    {
        // 600 points are fitted, 150 more from the same clusters placed; a fit of all 750 is the yardstick.
        using var folder = new TemporaryFolder();
        var (all, labels) = SyntheticClusters.Gaussian(750, 20, clusters: 6, separation: 3, seed: 8);
        string fittedPath = folder.File("fitted.npy"), newPath = folder.File("new.npy"), allPath = folder.File("all.npy");
        NpyWriter.Write(fittedPath, NpyArray.Create(all.Values[..(600 * 20)], 600, 20));
        NpyWriter.Write(newPath, NpyArray.Create(all.Values[(600 * 20)..], 150, 20));
        NpyWriter.Write(allPath, NpyArray.Create(all.Values, 750, 20));
        string[] settings = ["--method", method, "--iterations", "300", "--perplexity", "20"];
        var (code, _, error) = Run(["embed", fittedPath, .. settings, "--out", folder.File("fitted-e.npy")]);
        Assert.True(code == 0, error);
        (code, var output, error) = Run("embed", newPath, "--reference", folder.File("fitted-e.run"), "--out", folder.File("new-e.npy"));
        Assert.True(code == 0, error);
        Assert.Contains("placed 150 points", output);
        (code, _, error) = Run(["embed", allPath, .. settings, "--out", folder.File("all-e.npy")]);
        Assert.True(code == 0, error);

        var fitted = NpyReader.Read(folder.File("fitted-e.npy")).ToFloat32();
        var placed = NpyReader.Read(folder.File("new-e.npy"));
        Assert.Equal(new long[] { 150, 2 }, placed.Shape);
        var full = NpyReader.Read(folder.File("all-e.npy")).ToFloat32();
        double placedAccuracy = PlacedLabelAccuracy(fitted, 2, 600, 600, 150, labels, placed.ToFloat32());
        double fullAccuracy = PlacedLabelAccuracy(full, 2, 600, 600, 150, labels, full[(600 * 2)..]);
        Assert.True(placedAccuracy >= fullAccuracy - 0.02 && placedAccuracy >= 0.9,
            $"placed points' 10-NN label accuracy {placedAccuracy:0.000}; the same points in a full fit {fullAccuracy:0.000}");
    }

    [Fact]
    public void Reference_refuses_points_with_other_columns_naming_both()
    {
        using var folder = new TemporaryFolder();
        var (x, _) = WriteClusters(folder, 300);
        var (code, _, error) = Run("embed", x, "--method", "umap", "--out", folder.File("e.npy"));
        Assert.True(code == 0, error);
        string other = folder.File("other.npy");
        NpyWriter.Write(other, NpyArray.Create(new float[40 * 7], 40, 7));
        (code, _, error) = Run("embed", other, "--reference", folder.File("e.run"), "--out", folder.File("p.npy"));
        Assert.NotEqual(0, code);
        Assert.Contains("7 columns", error);
        Assert.Contains("20", error);
        Assert.False(File.Exists(folder.File("p.npy")));
    }
}
