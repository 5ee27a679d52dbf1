using System.Text.Json;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

public class InspectCommandTests
{
    [OnnxFact("mlp.onnx")]
    public void Inspect_writes_an_embedding_a_report_and_quality_figures()
    {
        using var folder = new TemporaryFolder();
        var labels = folder.File("labels.npy");
        // Labels from the first input feature's sign: any labelling works for the file plumbing.
        var input = NpyReader.Read(TestData.OnnxFile("mlp_input.npy")).ToFloat32();
        int columns = input.Length / 100;
        NpyWriter.Write(labels, NpyArray.Create(Enumerable.Range(0, 100).Select(i => input[i * columns] > 0 ? 1L : 0L).ToArray(), 100));

        var run = CliRun.Of("inspect", "--model", TestData.OnnxFile("mlp.onnx"), "--layer", "act", "--input", TestData.OnnxFile("mlp_input.npy"),
            "--labels", labels, "--out", folder.File("out"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(new long[] { 100, 2 }, NpyReader.Read(folder.File("out/embedding.npy")).Shape);
        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("out/inspect.json")));
        Assert.Equal("/act/Relu_output_0", json.RootElement.GetProperty("tensor").GetString());
        double trust = json.RootElement.GetProperty("trustworthiness").GetDouble();
        Assert.InRange(trust, 0.8, 1.0);
        using var bitmap = SkiaSharp.SKBitmap.Decode(folder.File("out/scatter-by-label.png"));
        Assert.NotNull(bitmap);
        Assert.Contains("colored by label", File.ReadAllText(folder.File("out/report.html")));
        var manifest = RunManifestReader.Read(folder.File("out"));
        Assert.Equal(100, manifest.Points);
        Assert.Equal("act", Assert.Single(manifest.Activations).Layer);
        Assert.Equal(RunEmbedding.TsneMethod, Assert.Single(manifest.Embeddings).Method);
        Assert.Contains(manifest.Columns, c => c.Name == "label");
    }

    [OnnxFact("seq_lstm.onnx")]
    public void Inspect_colors_by_predicted_class_when_the_model_outputs_class_scores()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("inspect", "--model", TestData.OnnxFile("seq_lstm.onnx"), "--layer", "lstm", "--input", TestData.OnnxFile("seq_lstm_input.npy"),
            "--method", "pca", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(File.Exists(folder.File("out/scatter-by-predicted-class.png")));
        Assert.Equal(["predicted"], RunManifestReader.Read(folder.File("out")).Columns.Select(c => c.Name));
        Assert.Contains("/lstm/Transpose_1_output_0", run.Output);
    }

    [OnnxFact("mlp.onnx")]
    public void Inspect_with_umap_embeds_every_row()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("inspect", "--model", TestData.OnnxFile("mlp.onnx"), "--layer", "/act/Relu", "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "umap", "--out", folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(new long[] { 100, 2 }, NpyReader.Read(folder.File("out/embedding.npy")).Shape);
        Assert.Contains("UMAP", File.ReadAllText(folder.File("out/inspect.json")));
    }

    [OnnxFact("mlp.onnx")]
    public void Labels_of_the_wrong_length_fail_naming_the_file_and_write_nothing()
    {
        using var folder = new TemporaryFolder();
        var labels = folder.File("labels.npy");
        NpyWriter.Write(labels, NpyArray.Create(new long[7], 7));
        var run = CliRun.Of("inspect", "--model", TestData.OnnxFile("mlp.onnx"), "--layer", "act", "--input", TestData.OnnxFile("mlp_input.npy"),
            "--labels", labels, "--out", folder.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("labels.npy", run.Error);
        Assert.Contains("(100,)", run.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }
}
