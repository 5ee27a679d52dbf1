using System.Globalization;
using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Progress;
using LayerScope.Reduction;
using LayerScope.Reduction.Pca;
using LayerScope.Reduction.Quality;
using LayerScope.Reduction.Tsne;
using LayerScope.Reduction.Umap;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Runs;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using LayerScope.Workflows;
using LayerScope.Workflows.Sections;

namespace LayerScope.Workflows.Inspection;

/// <summary>
/// One-command look inside a user's ONNX model: capture a layer for every input row, reduce it with PCA, embed it in
/// 2-D, and write a report with the scatter colored by label and, when the model outputs class scores, by prediction.
/// </summary>
public static class OnnxInspection
{
    private static readonly FigureSize Size = new(760, 600);

    public static InspectResult Run(InspectOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var model = OnnxModel.Open(options.ModelPath);
        var scores = model.Layers.Outputs.Count > 0 ? model.Layers.Outputs[0].Name : null;
        var layers = scores is null || scores == options.Layer ? new[] { options.Layer } : new[] { options.Layer, scores };
        var captured = OnnxActivationCapture.Run(model, new OnnxCaptureOptions
        {
            Layers = layers,
            Inputs = [OnnxInputSource.FromFile(options.InputPath, options.InputName)],
            BatchSize = options.BatchSize,
        }, progress, cancellationToken);

        var layer = captured.Layers[0];
        var x = layer.ToFloat32Array().ToMatrix();
        x.EnsureFinite($"layer '{options.Layer}'");
        var labels = options.LabelsPath is null ? null : ReadLabels(options.LabelsPath, x.Rows);
        int[]? predicted = captured.Layers.Count > 1 ? Predictions(captured.Layers[1]) : null;

        var pca = PcaReducer.Fit(x, new PcaOptions { Components = Math.Min(50, Math.Min(x.Columns, x.Rows)), Seed = options.Seed }, progress);
        var reduced = pca.Transform(x);
        // The PCA scores are the PCA picture; t-SNE and UMAP start from them (fewer than 4 rows: PCA is all there is).
        var method = x.Rows < 4 ? ReductionMethod.Pca : options.Method;
        var (embedding, methodText) = method == ReductionMethod.Pca
            ? (FirstColumns(reduced, 2), "PCA")
            : Reducers.Create(method, x.Rows, options.Seed).Reduce(reduced, progress, cancellationToken) is var r ? (r.Positions, r.Description) : default;
        var quality = EmbeddingQuality.Evaluate(reduced, embedding, labels, new QualityOptions { K = QualityNeighbors(x.Rows), KlDivergence = false, Seed = options.Seed });

        using var output = StagedDirectory.Create(options.OutputDirectory, "inspect.json");
        // The viewer's run: the captured layer (for neighbours and means), its embedding, labels and predictions.
        var run = new RunManifestWriter(output.Path, $"{Path.GetFileName(options.ModelPath)}: layer {options.Layer}", "layerscope inspect", x.Rows);
        run.AddLayer(options.Layer, x.Columns);
        run.AddArray("activations", "activations.npy", x.Values, x.Rows, x.Columns);
        run.AddActivations(options.Layer, "activations");
        run.AddArray("embedding", "embedding.npy", embedding.Values, embedding.Rows, embedding.Columns);
        run.AddEmbedding(options.Layer, method.Name(), "embedding");
        if (labels is not null) run.AddLabelColumn("label", "labels.npy", labels);
        if (predicted is not null) run.AddLabelColumn("predicted", "predicted.npy", predicted);
        run.Write();
        var report = new ReportBuilder($"{Path.GetFileName(options.ModelPath)}: layer {options.Layer}");
        report.AddKeyValues(new Dictionary<string, string>
        {
            ["model"] = options.ModelPath,
            ["layer"] = $"{options.Layer} (tensor {layer.Reference.TensorName})",
            ["points"] = $"{x.Rows} rows of {x.Columns} values",
            ["method"] = methodText,
            ["PCA explained variance (first 10 components)"] = string.Join(", ", pca.ExplainedVarianceRatio.Take(10).Select(r => r.ToString("0.000", CultureInfo.InvariantCulture))),
            ["trustworthiness (k = 10)"] = quality.Trustworthiness.ToString("0.000", CultureInfo.InvariantCulture),
            ["10-NN recall"] = quality.NeighborRecall.ToString("0.000", CultureInfo.InvariantCulture),
            ["10-NN label accuracy"] = quality.LabelAccuracy?.ToString("0.000", CultureInfo.InvariantCulture) ?? "(no labels)",
        });
        var colorings = new List<(string Name, int[] Classes)>();
        if (labels is not null) colorings.Add(("label", labels));
        if (predicted is not null) colorings.Add(("predicted class", predicted));
        if (colorings.Count == 0) colorings.Add(("all points", new int[x.Rows]));
        foreach (var (name, classes) in colorings)
        {
            bool uncolored = colorings.Count == 1 && name == "all points";
            var section = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
            {
                Input = reduced,
                Embedding = embedding,
                // Without labels, one color and no label accuracy; trustworthiness is still drawn.
                Labels = uncolored ? null : classes,
                Title = $"{options.Layer}: {method.DisplayName()}, colored by {name}",
                AxisName = method.DisplayName(),
                Caption = $"colored by {name}",
                Quality = new QualityOptions { K = QualityNeighbors(x.Rows), KlDivergence = false, Seed = options.Seed },
                Neighborhood = quality,
                Size = Size,
            });
            AtomicFile.WriteAllBytes(output.File($"scatter-by-{name.Replace(' ', '-')}.png"), section.Png);
            section.AddTo(report);
        }
        MetricsFile.Write(output.File("inspect.json"), new
        {
            model = options.ModelPath,
            layer = options.Layer,
            tensor = layer.Reference.TensorName,
            rows = x.Rows,
            features = x.Columns,
            method = methodText,
            pcaExplainedVarianceRatio = pca.ExplainedVarianceRatio,
            trustworthiness = quality.Trustworthiness,
            neighborRecall = quality.NeighborRecall,
            labelAccuracy = quality.LabelAccuracy,
            subsampled = quality.Subsampled,
        });
        report.Save(output.File("report.html"));
        output.Commit();
        return new InspectResult(output.Target, layer.Reference.TensorName, x.Rows, x.Columns, pca.ExplainedVarianceRatio, quality, predicted is not null);
    }

    /// <summary>Trustworthiness (Venna and Kaski 2001) is normalised for k &lt; N/2; small inputs use fewer neighbours than 10.</summary>
    private static int QualityNeighbors(int rows) => Math.Clamp((rows - 1) / 2, 1, 10);

    private static int[] ReadLabels(string path, int rows)
    {
        var array = NpyReader.Read(path);
        if (array.Shape.Length != 1 || array.Shape[0] != rows)
            throw new DataFormatException(path, "shape", $"one label per input row, shape ({rows},)", $"({string.Join(", ", array.Shape)})");
        var values = array.ToInt64();
        if (values.Any(v => v < 0 || v > 10_000))
            throw new DataFormatException(path, "values", "class indices from 0 to 10000", $"{values.Min()}..{values.Max()}");
        return values.Select(v => (int)v).ToArray();
    }

    /// <summary>Argmax of the model's first output when it has one score per class ([N, C], C ≥ 2); else null.</summary>
    private static int[]? Predictions(OnnxCapturedLayer output)
    {
        if (output.Shape.Count != 2 || output.Shape[1] < 2 || output.Values is null) return null;
        var scores = output.Values.ToFloat32();
        int classes = (int)output.Shape[1];
        var predicted = new int[output.Shape[0]];
        for (int i = 0; i < predicted.Length; i++)
        {
            var row = scores.AsSpan(i * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            predicted[i] = best;
        }
        return predicted;
    }

    private static DenseMatrix FirstColumns(DenseMatrix x, int count)
    {
        count = Math.Min(count, x.Columns);
        var result = DenseMatrix.Zeros(x.Rows, 2);
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < count; j++) result.Values[i * 2 + j] = x.Values[i * x.Columns + j];
        return result;
    }
}
