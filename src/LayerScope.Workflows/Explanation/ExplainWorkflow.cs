using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using LayerScope.Errors;
using LayerScope.Rendering.Figures;
using LayerScope.Models;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Rendering.PlotData;
using LayerScope.Progress;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using static TorchSharp.torch;

namespace LayerScope.Workflows.Explanation;

/// <summary>Settings of <see cref="ExplainWorkflow"/>.</summary>
public sealed record ExplainOptions
{
    /// <summary>An ONNX model file (gradient methods on the TorchSharp executor; occlusion on ONNX Runtime).</summary>
    public string? ModelPath { get; init; }

    /// <summary>A built-in model (every method, LRP included), with the trained weights of <see cref="WeightsPath"/>.</summary>
    public string? ZooName { get; init; }

    /// <summary>The built-in model's trained weights: the file TorchSharp's <c>Module.save</c> writes (the cnn, imdb and
    /// banknote demos leave theirs, model.dat, in their output folder). Required for a built-in model unless
    /// <see cref="RandomWeights"/>: a freshly built one has random weights, and explaining those says nothing about any
    /// trained network while looking just as plausible.</summary>
    public string? WeightsPath { get; init; }

    /// <summary>Explain the built-in model with random weights from <see cref="Seed"/>, on purpose (to see what an
    /// untrained network's maps look like, the reference of Adebayo et al. 2018's sanity check).</summary>
    public bool RandomWeights { get; init; }

    public required string InputPath { get; init; }
    public required string Method { get; init; }

    /// <summary>The class explained; null: the class the model predicts for the first example.</summary>
    public long? Target { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>For token models: the tensor (ONNX) or module (zoo) whose output is the embedding; null for an ONNX
    /// model: the one embedding lookup (a Gather of a table by the ids) its graph has.</summary>
    public string? Embedding { get; init; }

    /// <summary>For token inputs: a UTF-8 text file with one word per line, line i (from 0) the word of token id i,
    /// so that explain.html and the viewer run show words; null: ids are shown as #id.</summary>
    public string? WordsPath { get; init; }

    /// <summary>For token inputs: the id that pads a sequence (Keras' 0), left out of the colored text; null for none.</summary>
    public long? PaddingToken { get; init; } = 0;

    public int Steps { get; init; } = 64;
    public long Seed { get; init; } = 1;

    /// <summary>Integrated gradients' baseline by name (<see cref="Baselines"/>); null: zeros.</summary>
    public string? Baseline { get; init; }

    /// <summary>Guided backpropagation and the deconvnet: a conv layer (a module name, e.g. conv1) whose channel
    /// <see cref="UnitChannel"/> is explained instead of a class; both or neither.</summary>
    public string? UnitLayer { get; init; }

    public int? UnitChannel { get; init; }

    /// <summary>Inputs (the first ones) the report's quality figures are measured on: the deletion-curve area and the
    /// randomization rank correlation of the method; 0 leaves them out. Not measured for a layer's unit.</summary>
    public int QualityExamples { get; init; } = 64;

    public static IReadOnlyList<string> Methods => AttributionMethods.Names;

    /// <summary>The baseline names and what they stand for.</summary>
    public static IReadOnlyList<(string Name, IntegratedGradientsBaseline Baseline)> Baselines { get; } =
        [("zeros", IntegratedGradientsBaseline.Zeros), ("blurred", IntegratedGradientsBaseline.Blurred), ("padding-token", IntegratedGradientsBaseline.PaddingToken)];

    internal IntegratedGradientsBaseline BaselineKind => Baselines.FirstOrDefault(b => b.Name == (Baseline ?? "zeros")).Baseline;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if ((ModelPath is null) == (ZooName is null)) problems.Add("name exactly one model: ExplainOptions.ModelPath or ExplainOptions.ZooName.");
        if (ZooName is not null && WeightsPath is null && !RandomWeights)
            problems.Add($"ExplainOptions.WeightsPath is not set: built-in model '{ZooName}' would be explained with random, untrained weights, which says nothing "
                + "about a trained network. Give its trained weights (TorchSharp's saved state: the cnn and imdb demos write model.dat, the banknote demo model-NAME.dat, into "
                + "their output folder), or set ExplainOptions.RandomWeights to explain an untrained network on purpose.");
        if (WeightsPath is not null && RandomWeights) problems.Add("ExplainOptions.WeightsPath and ExplainOptions.RandomWeights contradict each other; set one.");
        if (WeightsPath is not null && ZooName is null) problems.Add("ExplainOptions.WeightsPath is set, but weights are loaded into a built-in model (ExplainOptions.ZooName); an ONNX model carries its own.");
        if (!Methods.Contains(Method)) problems.Add($"ExplainOptions.Method is '{Method}'; expected one of {string.Join(", ", Methods)}.{NameSuggestions.DidYouMean(Method, Methods)}");
        if (ModelPath is not null && AttributionMethods.WalksLayers(Method))
            problems.Add($"ExplainOptions.Method '{Method}' walks TorchSharp layers and runs on built-in models (ExplainOptions.ZooName); for an ONNX model use gradient-x-input, ig, saliency, smoothgrad or occlusion.");
        if (Steps < 1) problems.Add($"ExplainOptions.Steps is {Steps}; expected at least 1.");
        if (QualityExamples < 0) problems.Add($"ExplainOptions.QualityExamples is {QualityExamples}; expected 0 (none) or more.");
        if (Baseline is not null)
        {
            var names = Baselines.Select(b => b.Name).ToArray();
            if (!names.Contains(Baseline)) problems.Add($"ExplainOptions.Baseline is '{Baseline}'; expected one of {string.Join(", ", names)}.{NameSuggestions.DidYouMean(Baseline, names)}");
            else if (Method != IntegratedGradients.Name) problems.Add($"ExplainOptions.Baseline is set, but only ig integrates from a baseline; ExplainOptions.Method is '{Method}'.");
            else if (Baseline == "padding-token" && PaddingToken is null) problems.Add("ExplainOptions.Baseline is padding-token, which needs ExplainOptions.PaddingToken.");
        }
        if ((UnitLayer is null) != (UnitChannel is null))
            problems.Add("name a unit with both ExplainOptions.UnitLayer and ExplainOptions.UnitChannel, or neither (to explain a class).");
        else if (UnitLayer is not null)
        {
            if (Method is not (GuidedBackprop.Name or Deconvnet.Name))
                problems.Add($"ExplainOptions.UnitLayer is set, but only guided-backprop and deconvnet explain a unit of a layer; ExplainOptions.Method is '{Method}'.");
            if (Target is not null) problems.Add("ExplainOptions.Target and ExplainOptions.UnitChannel both name what is explained; set one.");
            if (UnitChannel < 0) problems.Add($"ExplainOptions.UnitChannel is {UnitChannel}; expected a channel index from 0.");
        }
        return problems;
    }
}

/// <summary>The result: where things went and what was explained.</summary>
/// <param name="OutputDirectory">The folder written.</param>
/// <param name="Target">The class (or, with a unit layer, the channel) explained.</param>
/// <param name="Attribution">The relevance and the class scores.</param>
/// <param name="Heatmaps">File names of the heatmap PNGs.</param>
/// <param name="Quality">The method's deletion-curve area and randomization rank correlation (NaN for an imported
/// model, which has no randomized twin); null when not measured.</param>
public sealed record ExplainResult(string OutputDirectory, long Target, AttributionResult Attribution, IReadOnlyList<string> Heatmaps,
    Sections.RelevanceQuality? Quality = null);

/// <summary><c>explain</c>: one attribution method over an input file; writes relevance.npy, scores.npy (the class
/// scores), explain.json, explain.html (scores, heatmaps, words colored by relevance), a viewer run (run.json) and, for
/// images [N, C, H, W], one heatmap PNG per example over its image (<see cref="ExplanationOutputs"/>).</summary>
public static class ExplainWorkflow
{
    public static ExplainResult Run(ExplainOptions options, IProgress<StepProgress>? progress = null)
    {
        InvalidSettingsException.ThrowIfAny(options.Validate());
        using var scope = NewDisposeScope();
        var npy = NpyReader.Read(options.InputPath);
        bool tokens = npy.Data is long[] or int[];
        var inputs = tokens ? tensor(npy.ToInt64()).view(npy.Shape) : tensor(npy.ToFloat32()).view(npy.Shape);
        progress?.Report(new StepProgress("explain", 0, 1));
        OnnxTorchModel? onnx = null;
        try
        {
            ExplainedModel explained;
            nn.Module<Tensor, Tensor>? module = null;
            AttributionSubject? randomized = null;
            if (options.ModelPath is not null)
            {
                onnx = OnnxTorchModel.Load(options.ModelPath);
                // Token ids have no gradient: relevance is taken at the embedding lookup, found in the graph when not named.
                string? embedding = options.Embedding ?? (tokens ? OnnxEmbeddingLookup.Find(onnx, "ExplainOptions.Embedding") : null);
                explained = new ExplainedModel(onnx, onnx.Source.Graph.Outputs[0].Name, embedding);
            }
            else
            {
                var zoo = ModelZoo.Get(options.ZooName!);
                manual_seed(options.Seed);
                // The architecture at the sizes the weights hold, for the model and its sanity-check twin alike.
                var create = options.WeightsPath is null ? zoo.Create : zoo.CreatorFor(options.WeightsPath);
                module = create();
                if (options.WeightsPath is not null) LoadWeights(module, options.WeightsPath, zoo.Name);
                string? embedding = options.Embedding ?? (zoo.InputType == ScalarType.Int64 ? "embedding" : null);
                explained = new ExplainedModel(new ModuleDifferentiableModel(module), ModuleDifferentiableModel.OutputName, embedding);
                // The sanity check's reference: the same architecture from another seed (Adebayo et al. 2018).
                manual_seed(options.Seed + 1);
                var twin = create();
                randomized = new AttributionSubject(new ExplainedModel(new ModuleDifferentiableModel(twin), ModuleDifferentiableModel.OutputName, embedding), twin);
            }
            long target = options.UnitChannel ?? options.Target ?? ClassGradients0(explained, inputs);
            var subject = new AttributionSubject(explained, module, onnx);
            var settings = new AttributionSettings(options.Steps, options.Seed, Baseline: options.BaselineKind, PaddingToken: options.PaddingToken ?? 0, UnitLayer: options.UnitLayer);
            var result = AttributionMethods.Run(options.Method, subject, inputs, target, settings);
            progress?.Report(new StepProgress("explain", 1, 1));
            Sections.RelevanceQuality? quality = null;
            if (options.UnitLayer is null && options.QualityExamples > 0)
            {
                var sample = inputs[..(int)Math.Min(options.QualityExamples, inputs.shape[0])];
                quality = new Sections.RelevanceQualityCheck(subject, randomized, settings with { UnitLayer = null }) { Fill = tokens ? options.PaddingToken ?? 0 : 0 }
                    .Measure([options.Method], sample, progress)[0];
            }

            using var output = StagedDirectory.Create(options.OutputDirectory, "explain.json");
            NpyWriter.Write(output.File("relevance.npy"), result.Relevance);
            NpyWriter.Write(output.File("scores.npy"), result.ClassScores);
            if (tokens) NpyWriter.Write(output.File("relevance_per_token.npy"), result.PerPosition());
            var explainedInputs = new ExplainedInputs(npy.ToFloat32Array("inputs"), tokens ? npy.ToInt64() : null,
                options.WordsPath is null ? null : ReadWords(options.WordsPath), options.PaddingToken);
            var heatmaps = ExplanationOutputs.WriteHeatmaps(output, explainedInputs.Values, result, options.UnitLayer);
            string modelName = options.ModelPath is null ? options.ZooName! : Path.GetFileName(options.ModelPath);
            ExplanationOutputs.Report(explainedInputs, result, modelName, options.UnitLayer, quality).Save(output.File("explain.html"));
            ExplanationOutputs.WriteRun(output, explainedInputs, result, modelName, options.UnitLayer);
            var scores = ExplanationOutputs.ClassScores(result);
            MetricsFile.Write(output.File("explain.json"), new
            {
                method = result.Method,
                target,
                baseline = options.Method == IntegratedGradients.Name ? options.Baseline ?? "zeros" : null,
                unit = options.UnitLayer is null ? null : new { layer = options.UnitLayer, channel = options.UnitChannel },
                input = Path.GetFileName(options.InputPath),
                model = options.ModelPath is null ? options.ZooName : Path.GetFileName(options.ModelPath),
                relevance_shape = result.Relevance.Shape,
                convergence_delta = result.ConvergenceDelta,
                quality = quality is null ? null : new
                {
                    examples = Math.Min(options.QualityExamples, inputs.shape[0]),
                    deletion_area_between = quality.DeletionAreaBetween,
                    randomization_rank_correlation = double.IsNaN(quality.RandomizationRankCorrelation) ? (double?)null : quality.RandomizationRankCorrelation,
                },
                heatmaps,
                class_scores = scores.Take(ExplanationOutputs.MaxShown).Select(c => new { predicted = c.Predicted, scores = c.Scores }),
            });
            output.Commit();
            return new ExplainResult(options.OutputDirectory, target, result, heatmaps, quality);
        }
        finally
        {
            onnx?.Dispose();
        }
    }

    private static long ClassGradients0(ExplainedModel explained, Tensor inputs)
    {
        var scores = new DifferentiableScorer(explained).Scores(inputs[..1]);
        return scores.argmax(1).item<long>();
    }

    /// <summary>Trained weights into a built-in model, every parameter and buffer by name and shape (strict): a file of
    /// another architecture, or of the same one with other sizes, is refused rather than loaded in part.</summary>
    private static void LoadWeights(nn.Module module, string path, string zooName)
    {
        string expected = $"the weights of built-in model '{zooName}' as TorchSharp's Module.save writes them";
        if (!File.Exists(path)) throw new DataFormatException(path, "file", expected, "no such file");
        try
        {
            module.load(path, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new DataFormatException(path, "weights", expected, e.Message.TrimEnd('.'));
        }
    }

    /// <summary>One word per line; line i is token id i.</summary>
    private static string[] ReadWords(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file", "a words file (one word per line, line i the word of token id i)", "no such file");
        return File.ReadAllLines(path, System.Text.Encoding.UTF8);
    }
}
