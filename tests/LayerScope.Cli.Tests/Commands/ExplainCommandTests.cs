using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

/// <summary><c>layerscope explain</c> on the reference MLP: files written, and the axioms users rely on.</summary>
public sealed class ExplainCommandTests
{
    [OnnxFact("mlp.onnx")]
    public void Integrated_gradients_write_relevance_of_the_input_shape_and_are_complete()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("ig");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "ig", "--target", "0", "--steps", "64", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        var input = NpyReader.Read(TestData.OnnxFile("mlp_input.npy"));
        var relevance = NpyReader.Read(Path.Combine(output, "relevance.npy"));
        Assert.Equal(input.Shape, relevance.Shape);
        Assert.True(File.Exists(Path.Combine(output, "scores.npy")));
        Assert.True(File.Exists(Path.Combine(output, "explain.json")));
        // Completeness (Sundararajan et al. 2017): Σ relevance = f(x) − f(baseline), reported per example.
        Assert.Contains("Largest |Σ relevance − expected|", run.Output, StringComparison.Ordinal);
        var match = System.Text.RegularExpressions.Regex.Match(run.Output, @"expected\|: (?<delta>[-+0-9.Ee]+?)\.?\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, run.Output);
        var delta = double.Parse(match.Groups["delta"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(delta) < 0.05, $"completeness gap {delta}");
    }

    [OnnxFact("mlp.onnx")]
    public void An_unknown_method_is_refused_with_the_flag_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "magic", "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--method", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ExplainOptions", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [OnnxFact("mlp.onnx")]
    public void An_unknown_baseline_is_refused_by_its_flag_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "ig", "--baseline", "blured", "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--baseline is 'blured'", run.Error, StringComparison.Ordinal);
        Assert.Contains("blurred", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ExplainOptions", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [OnnxFact("mlp.onnx")]
    public void A_blurred_baseline_for_inputs_that_are_not_images_names_the_flag()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "ig", "--baseline", "blurred", "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--baseline blurred", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("IntegratedGradientsOptions", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void The_blurred_baseline_changes_what_ig_integrates_from()
    {
        using var folder = new TemporaryFolder();
        var images = Images(folder, 2);
        var zeros = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", images, "--method", "ig", "--target", "1", "--out", folder.File("zeros"));
        var blurred = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", images, "--method", "ig", "--target", "1", "--baseline", "blurred", "--out", folder.File("blurred"));

        Assert.True(zeros.ExitCode == 0, zeros.Error);
        Assert.True(blurred.ExitCode == 0, blurred.Error);
        var a = NpyReader.Read(Path.Combine(folder.File("zeros"), "relevance.npy")).ToFloat32();
        var b = NpyReader.Read(Path.Combine(folder.File("blurred"), "relevance.npy")).ToFloat32();
        Assert.Contains(Enumerable.Range(0, a.Length), i => Math.Abs(a[i] - b[i]) > 1e-4);
        Assert.Contains("\"baseline\": \"blurred\"", File.ReadAllText(Path.Combine(folder.File("blurred"), "explain.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Guided_backprop_explains_a_chosen_channel_of_a_conv_layer()
    {
        using var folder = new TemporaryFolder();
        var images = Images(folder, 2);
        var output = folder.File("unit");
        var run = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", images, "--method", "guided-backprop",
            "--unit-layer", "conv2", "--unit-channel", "20", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        // The class-score figures do not apply to a channel: none is made up.
        Assert.DoesNotContain("Deletion-curve area", run.Output, StringComparison.Ordinal);
        Assert.Contains("channel of conv2 20", run.Output, StringComparison.Ordinal);
        var relevance = NpyReader.Read(Path.Combine(output, "relevance.npy"));
        Assert.Equal(new long[] { 2, 1, 28, 28 }, relevance.Shape);
        Assert.Contains(relevance.ToFloat32(), v => v != 0);
        // Channels 20 and 40 exist only in conv2 (the model has 10 classes), and different channels see different pixels.
        var other = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", images, "--method", "guided-backprop",
            "--unit-layer", "conv2", "--unit-channel", "40", "--out", folder.File("other"));
        Assert.True(other.ExitCode == 0, other.Error);
        Assert.NotEqual(relevance.ToFloat32(), NpyReader.Read(Path.Combine(folder.File("other"), "relevance.npy")).ToFloat32());
    }

    [Theory]
    [InlineData("--unit-layer", "nope", "--unit-channel", "0", "--unit-layer 'nope' is not a layer")]
    [InlineData("--unit-layer", "conv1", "--steps", "64", "--unit-layer and --unit-channel")]
    [InlineData("--unit-layer", "conv1", "--unit-channel", "99", "unit 99 is outside layer 'conv1'")]
    public void A_bad_unit_is_refused_by_its_flags(string flag1, string value1, string flag2, string value2, string expected)
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", Images(folder, 1), "--method", "deconvnet", flag1, value1, flag2, value2, "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Options.", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [OnnxFact("mlp.onnx")]
    public void The_report_gives_the_deletion_area_and_removing_the_most_relevant_inputs_first_hurts_more()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("ig");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "ig", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "explain.json")));
        var quality = json.RootElement.GetProperty("quality");
        Assert.Equal(64, quality.GetProperty("examples").GetInt32());
        // Pixel flipping (Samek et al. 2017): the score falls faster in relevance order than at random.
        Assert.True(quality.GetProperty("deletion_area_between").GetDouble() > 0, quality.ToString());
        // An imported model has no randomized twin: no correlation rather than a made-up one.
        Assert.Equal(System.Text.Json.JsonValueKind.Null, quality.GetProperty("randomization_rank_correlation").ValueKind);
        Assert.Contains("Deletion-curve area", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rank correlation", run.Output, StringComparison.Ordinal);
        Assert.Contains("How well the method explains", File.ReadAllText(Path.Combine(output, "explain.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_in_model_also_gets_the_randomization_rank_correlation()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("lrp");
        var run = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", Images(folder, 4), "--method", "lrp-epsilon", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "explain.json")));
        var quality = json.RootElement.GetProperty("quality");
        Assert.Equal(4, quality.GetProperty("examples").GetInt32());
        Assert.True(double.IsFinite(quality.GetProperty("deletion_area_between").GetDouble()));
        double correlation = quality.GetProperty("randomization_rank_correlation").GetDouble();
        Assert.InRange(correlation, -1, 1);
        Assert.Contains("rank correlation with a randomized model", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_quality_figures_can_be_skipped_and_a_negative_count_is_refused_by_its_flag()
    {
        using var folder = new TemporaryFolder();
        var images = Images(folder, 2);
        var skipped = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", images, "--method", "saliency", "--quality-examples", "0", "--out", folder.File("skip"));
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.DoesNotContain("Deletion-curve area", skipped.Output, StringComparison.Ordinal);

        var refused = CliRun.Of("explain", "--zoo", "fashion-cnn", "--random-weights", "--input", images, "--method", "saliency", "--quality-examples", "-1", "--out", folder.File("bad"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--quality-examples is -1", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("bad")));
    }

    [Fact]
    public void A_built_in_model_without_weights_is_refused_by_its_flags_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--zoo", "fashion-cnn", "--input", Images(folder, 1), "--method", "lrp-epsilon", "--out", output);

        Assert.Equal(1, run.ExitCode);
        // Random weights would give a plausible-looking map of no network at all: refused, and the way out named.
        Assert.Contains("--weights is not set", run.Error, StringComparison.Ordinal);
        Assert.Contains("--random-weights", run.Error, StringComparison.Ordinal);
        Assert.Contains("model.dat", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ExplainOptions", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void The_weights_given_are_the_network_explained()
    {
        using var folder = new TemporaryFolder();
        var images = Images(folder, 3);
        var weights = folder.File("model.dat");
        float[] expected;
        TorchSharp.torch.manual_seed(42);
        using (var model = new LayerScope.Models.Zoo.FashionCnn())
        {
            model.save(weights);
            model.eval();
            using var noGrad = TorchSharp.torch.no_grad();
            using var x = TorchSharp.torch.tensor(NpyReader.Read(images).ToFloat32()).view(3, 1, 28, 28);
            expected = model.call(x).data<float>().ToArray();
        }
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--zoo", "fashion-cnn", "--weights", weights, "--input", images, "--method", "lrp-epsilon", "--quality-examples", "0", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        // The class scores explained are the saved network's, not those of the architecture's seed-1 initialisation.
        var scores = NpyReader.Read(Path.Combine(output, "scores.npy")).ToFloat32();
        Assert.Equal(expected.Length, scores.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - scores[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"score {i}: {scores[i]} vs {expected[i]}");
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_naming_the_file_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var weights = folder.File("banknote.dat");
        using (var other = new LayerScope.Models.Zoo.BanknoteMlp([2])) other.save(weights);
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--zoo", "fashion-cnn", "--weights", weights, "--input", Images(folder, 1), "--method", "lrp-epsilon", "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(weights, run.Error, StringComparison.Ordinal);
        Assert.Contains("built-in model 'fashion-cnn'", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_imdb_network_trained_on_a_smaller_vocabulary_is_explained_at_its_own_sizes()
    {
        // `demo imdb --limit` builds a vocabulary under 20,000 words; the zoo reads the sizes from the weights.
        using var folder = new TemporaryFolder();
        var random = new Random(6);
        var tokens = folder.File("tokens.npy");
        NpyWriter.Write(tokens, NpyArray.Create(Enumerable.Range(0, 2 * 10).Select(_ => (long)random.Next(1, 700)).ToArray(), 2, 10));
        var weights = folder.File("model.dat");
        float[] probabilities;
        TorchSharp.torch.manual_seed(8);
        using (var model = new LayerScope.Models.Zoo.ImdbBiLstm(vocabulary: 700, embeddingSize: 12, units: 6))
        {
            model.save(weights);
            model.eval();
            using var noGrad = TorchSharp.torch.no_grad();
            using var x = TorchSharp.torch.tensor(NpyReader.Read(tokens).ToInt64()).view(2, 10);
            probabilities = model.call(x).data<float>().ToArray();
        }
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--zoo", "imdb-bilstm", "--weights", weights, "--input", tokens, "--method", "gradient-x-input",
            "--quality-examples", "0", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(new long[] { 2, 10, 12 }, NpyReader.Read(Path.Combine(output, "relevance.npy")).Shape);
        // The explained scores are the saved network's outputs, not those of a 20,000-word network's initialisation.
        var scores = NpyReader.Read(Path.Combine(output, "scores.npy")).ToFloat32();
        Assert.Equal(2, scores.Length);
        for (int i = 0; i < 2; i++) Assert.True(Math.Abs(scores[i] - probabilities[i]) <= 1e-5, $"review {i}: score {scores[i]} vs the network's {probabilities[i]}");
    }

    [Fact]
    public void Lrp_through_the_bidirectional_GRU_model_conserves_the_explained_logit()
    {
        using var folder = new TemporaryFolder();
        var random = new Random(4);
        var tokens = folder.File("tokens.npy");
        NpyWriter.Write(tokens, NpyArray.Create(Enumerable.Range(0, 2 * 12).Select(_ => (long)random.Next(1, 20_000)).ToArray(), 2, 12));
        // Biases zeroed: with LRP-0 every bit of the logit then reaches the words (biases would absorb a share).
        var weights = folder.File("model.dat");
        TorchSharp.torch.manual_seed(5);
        using (var model = LayerScope.Models.Zoo.ImdbBiGru.Create())
        {
            using (TorchSharp.torch.no_grad())
                foreach (var (name, parameter) in model.named_parameters())
                    if (name.Contains("bias", StringComparison.Ordinal)) parameter.zero_();
            model.save(weights);
        }
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--zoo", "imdb-bigru", "--weights", weights, "--input", tokens, "--method", "lrp-0", "--target", "0",
            "--quality-examples", "0", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        var relevance = NpyReader.Read(Path.Combine(output, "relevance.npy"));
        Assert.Equal(new long[] { 2, 12, 128 }, relevance.Shape);
        var scores = NpyReader.Read(Path.Combine(output, "scores.npy")).ToFloat32();
        var values = relevance.ToFloat32();
        for (int n = 0; n < 2; n++)
        {
            double sum = values.Skip(n * 12 * 128).Take(12 * 128).Sum(v => (double)v);
            Assert.True(Math.Abs(scores[n]) > 1e-4, $"logit {scores[n]} too small to test");
            Assert.True(Math.Abs(sum - scores[n]) <= 1e-4 * Math.Abs(scores[n]), $"review {n}: relevances sum to {sum}, logit {scores[n]}");
        }
        Assert.True(File.ReadAllText(Path.Combine(output, "explain.html")).Contains("textview", StringComparison.Ordinal));
    }

    private static string TorchFixture(string file) => Path.Combine(TestData.RepositoryRoot, "tests", "LayerScope.Core.Tests", "Onnx", "Torch", "Fixtures", file);

    [Fact]
    public void A_token_model_is_explained_at_its_embedding_lookup_without_naming_it()
    {
        using var folder = new TemporaryFolder();
        string[] Arguments(string output) => ["explain", "--model", TorchFixture("text_bilstm.onnx"), "--input", TorchFixture("text_bilstm_input.npy"),
            "--method", "ig", "--steps", "8", "--target", "1", "--quality-examples", "0", "--out", output];
        var found = CliRun.Of(Arguments(folder.File("found")));
        var named = CliRun.Of([.. Arguments(folder.File("named")), "--embedding", "/emb/Gather_output_0"]);

        Assert.True(found.ExitCode == 0, found.Error);
        Assert.True(named.ExitCode == 0, named.Error);
        // Relevance per embedding entry of each token: [examples, tokens, embedding width 10], the same numbers as
        // with the lookup named.
        var relevance = NpyReader.Read(Path.Combine(folder.File("found"), "relevance.npy"));
        Assert.Equal(new long[] { 7, 12, 10 }, relevance.Shape);
        Assert.Equal(NpyReader.Read(Path.Combine(folder.File("named"), "relevance.npy")).ToFloat32(), relevance.ToFloat32());
        Assert.Equal(new long[] { 7, 12 }, NpyReader.Read(Path.Combine(folder.File("found"), "relevance_per_token.npy")).Shape);
    }

    [Fact]
    public void A_token_model_with_two_embedding_lookups_or_none_is_refused_naming_the_flag_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var tokens = folder.File("tokens.npy");
        NpyWriter.Write(tokens, NpyArray.Create(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        var twoLookups = folder.File("two_lookups.onnx");
        new HandMadeOnnx()
            .Input("tokens", 7, "batch", 3).Output("output", 1, "batch", 2)
            .Weight("words", 10, 4).Weight("tags", 10, 4).Weight("w", 12, 2)
            .Node("Gather", "word_lookup", ["words", "tokens"], ["word_vectors"])
            .Node("Gather", "tag_lookup", ["tags", "tokens"], ["tag_vectors"])
            .Node("Add", "sum", ["word_vectors", "tag_vectors"], ["vectors"])
            .Node("Flatten", "flat", ["vectors"], ["flat"], ("axis", 1))
            .Node("MatMul", "fc", ["flat", "w"], ["output"])
            .Save(twoLookups);
        var noLookup = folder.File("no_lookup.onnx");
        new HandMadeOnnx()
            .Input("tokens", 7, "batch", 3).Output("output", 1, "batch", 2)
            .Weight("w", 3, 2)
            .Node("Cast", "as_float", ["tokens"], ["values"], ("to", 1))
            .Node("MatMul", "fc", ["values", "w"], ["output"])
            .Save(noLookup);

        var two = CliRun.Of("explain", "--model", twoLookups, "--input", tokens, "--method", "ig", "--target", "0", "--out", folder.File("two"));
        var none = CliRun.Of("explain", "--model", noLookup, "--input", tokens, "--method", "ig", "--target", "0", "--out", folder.File("none"));

        Assert.Equal(1, two.ExitCode);
        Assert.Contains("2 embedding lookups (word_vectors, tag_vectors)", two.Error, StringComparison.Ordinal);
        Assert.Contains("--embedding", two.Error, StringComparison.Ordinal);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no embedding lookup", none.Error, StringComparison.Ordinal);
        Assert.Contains("--embedding", none.Error, StringComparison.Ordinal);
        foreach (var run in new[] { two, none }) Assert.DoesNotContain("ExplainOptions", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("two")));
        Assert.False(Directory.Exists(folder.File("none")));
    }

    private static string Images(TemporaryFolder folder, int n)
    {
        var random = new Random(3);
        var path = folder.File("images.npy");
        NpyWriter.Write(path, NpyArray.Create(Enumerable.Range(0, n * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray(), n, 1, 28, 28));
        return path;
    }
}
