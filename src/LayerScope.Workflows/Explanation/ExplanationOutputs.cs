using System.Globalization;
using LayerScope.Arrays;
using LayerScope.Attribution;
using LayerScope.Reduction;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Runs;
using LayerScope.Storage;

namespace LayerScope.Workflows.Explanation;

/// <summary>What <c>explain</c> read: the inputs as float32 (token ids as their values) and, for token inputs, the ids
/// and the words they spell.</summary>
/// <param name="Values">The inputs, [N, ...].</param>
/// <param name="TokenIds">Token inputs: [N, T] ids; null for float inputs.</param>
/// <param name="Words">Token inputs: the word of each id (null: ids are shown as #id).</param>
/// <param name="PaddingToken">The id that pads a sequence (left out of the colored text); null for none.</param>
public sealed record ExplainedInputs(Float32Array Values, long[]? TokenIds, IReadOnlyList<string>? Words, long? PaddingToken)
{
    /// <summary>The non-padding tokens of example <paramref name="example"/>: position and word.</summary>
    public IReadOnlyList<(int Position, string Word)> Tokens(long example)
    {
        var ids = TokenIds ?? throw new InvalidOperationException("These inputs are not tokens.");
        int length = checked((int)Values.FeaturesPerExample);
        var tokens = new List<(int, string)>(length);
        for (int t = 0; t < length; t++)
        {
            long id = ids[example * length + t];
            if (id == PaddingToken) continue;
            tokens.Add((t, Words is not null && id >= 0 && id < Words.Count ? Words[(int)id] : $"#{id}"));
        }
        return tokens;
    }
}

/// <summary>
/// What <c>explain</c> writes besides the arrays: heatmap PNGs of image inputs (the relevance over the image on a
/// diverging colormap centred at 0), explain.html (class scores, the heatmaps, token inputs as words colored by
/// relevance) and a viewer run (run.json: one point per example, placed by PCA of the relevance maps, so examples
/// explained alike lie together; hovering one shows its map over its input).
/// </summary>
public static class ExplanationOutputs
{
    /// <summary>At most this many examples get a PNG, a row of the scores table and a colored text.</summary>
    public const int MaxShown = 16;

    /// <summary>The image of example <paramref name="e"/> ([N, C, H, W]: channels averaged) and its relevance
    /// (channels summed), as the overlay draws them.</summary>
    public static RelevanceOverlayData Overlay(Float32Array inputs, Float32Array relevance, long e, string title)
    {
        var shape = inputs.Shape;
        int channels = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        var image = new double[h, w];
        var map = new double[h, w];
        var x = inputs.Example(e);
        var r = relevance.Example(e);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                for (int i = 0; i < w; i++)
                {
                    image[y, i] += x[(c * h + y) * w + i] / (double)channels;
                    map[y, i] += r[(c * h + y) * w + i];
                }
        return new RelevanceOverlayData(image, map, title);
    }

    /// <summary>heatmap_{e}.png for the first <see cref="MaxShown"/> images; returns the file names.</summary>
    public static List<string> WriteHeatmaps(StagedDirectory output, Float32Array inputs, AttributionResult result, string? unitLayer = null)
    {
        var files = new List<string>();
        if (inputs.Shape.Length != 4) return files;
        var figure = new RelevanceOverlayFigure();
        for (long e = 0; e < Math.Min(inputs.Count, MaxShown); e++)
        {
            var name = $"heatmap_{e}.png";
            figure.SavePng(Overlay(inputs, result.Relevance, e, $"{result.Method} toward {Explained(result, unitLayer)}, example {e}"), output.File(name), new FigureSize(520, 440));
            files.Add(name);
        }
        return files;
    }

    /// <summary>What the result explains: class k, or a layer's channel k.</summary>
    private static string Explained(AttributionResult result, string? unitLayer) =>
        unitLayer is null ? $"class {result.Target}" : $"channel {result.Target} of {unitLayer}";

    /// <summary>Per example: the predicted class (the largest score) and the scores.</summary>
    public static IReadOnlyList<(long Predicted, float[] Scores)> ClassScores(AttributionResult result)
    {
        var scores = result.ClassScores;
        int classes = (int)scores.FeaturesPerExample;
        return Enumerable.Range(0, (int)scores.Count).Select(n =>
        {
            var row = scores.Example(n).ToArray();
            long best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            return (best, row);
        }).ToList();
    }

    /// <summary>explain.html: the class scores, the heatmaps and, for tokens, each example's words colored.</summary>
    /// <remarks>With a unit layer (guided backpropagation or the deconvnet of a layer's channel) the result's target
    /// is that channel, not a class, and no target score is shown.</remarks>
    public static ReportBuilder Report(ExplainedInputs inputs, AttributionResult result, string model, string? unitLayer = null,
        Sections.RelevanceQuality? quality = null)
    {
        bool towardClass = unitLayer is null;
        var report = new ReportBuilder($"{result.Method} toward {Explained(result, unitLayer)}: {model}");
        report.AddParagraph($"Relevance of every input element toward {(towardClass ? "the score of " : "")}{Explained(result, unitLayer)}: red pushed it up, blue pushed it down, "
            + "white did not matter (colors centred at 0, scaled by each example's largest |relevance|).");
        var scores = ClassScores(result);
        report.AddHeading("Class scores");
        int classes = (int)result.ClassScores.FeaturesPerExample;
        string[] targetColumn = towardClass ? [$"score of class {result.Target}"] : [];
        report.AddTable(["example", "predicted", .. targetColumn, .. Enumerable.Range(0, Math.Min(classes, 10)).Select(k => $"class {k}")],
            scores.Take(MaxShown).Select((s, n) => (IReadOnlyList<string>)[
                n.ToString(CultureInfo.InvariantCulture), s.Predicted.ToString(CultureInfo.InvariantCulture),
                .. (towardClass ? [Number(s.Scores[result.Target])] : Array.Empty<string>()),
                .. s.Scores.Take(10).Select(v => Number(v))]).ToList());
        if (quality is not null)
        {
            report.AddHeading("How well the method explains");
            report.AddParagraph("Measured on the first inputs, each explained toward its predicted class. Deletion: input elements (pixels, tokens) "
                + "removed in order of decreasing relevance and in random order, 10 steps; the area between the two curves of the class score "
                + "(larger is better) is pixel flipping's figure (Samek et al. 2017). Randomization: the same method on the same architecture with "
                + "other random weights; Spearman correlation of |relevance| with this model's (Adebayo et al. 2018: near 1 means the map does not "
                + "depend on the weights); not measured for an imported model.");
            Sections.RelevanceQualityCheck.AddTable(report, [quality]);
        }
        if (inputs.Values.Shape.Length == 4)
        {
            report.AddHeading("Heatmaps over the inputs");
            var figure = new RelevanceOverlayFigure();
            for (long e = 0; e < Math.Min(inputs.Values.Count, MaxShown); e++)
                report.AddImage($"example {e} (predicted {scores[(int)e].Predicted})",
                    figure.RenderPng(Overlay(inputs.Values, result.Relevance, e, $"example {e}"), new FigureSize(360, 300)));
        }
        if (inputs.TokenIds is not null)
        {
            report.AddHeading("Words colored by relevance");
            var perToken = result.PerPosition();
            for (long e = 0; e < Math.Min(inputs.Values.Count, MaxShown); e++)
            {
                var tokens = inputs.Tokens(e);
                var row = perToken.Example(e).ToArray();
                var text = WordRelevanceText.From(tokens.Select(t => t.Word).ToList(), [(result.Method, tokens.Select(t => (double)row[t.Position]).ToList())]);
                report.AddTextView($"example {e}, predicted {scores[(int)e].Predicted}" + (towardClass ? $", score of class {result.Target} {Number(scores[(int)e].Scores[result.Target])}:" : ":"),
                    text.Text, text.Traces, text.HoverTexts);
            }
        }
        return report;
    }

    /// <summary>The viewer run: one point per example, the relevance as the layer "relevance", its PCA as the
    /// scatter, predicted class and target score as columns, and the inputs with their relevance maps.</summary>
    public static void WriteRun(StagedDirectory output, ExplainedInputs inputs, AttributionResult result, string model, string? unitLayer = null)
    {
        int n = checked((int)inputs.Values.Count);
        var run = new RunManifestWriter(output.Path, $"{result.Method} toward {Explained(result, unitLayer)}: {model}", "layerscope explain", n);
        var scores = ClassScores(result);
        int classes = (int)result.ClassScores.FeaturesPerExample;
        run.AddCategoryColumn("predicted", "predicted.npy", scores.Select(s => (int)s.Predicted).ToList(),
            Enumerable.Range(0, classes).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToList());
        if (unitLayer is null)
        {
            run.AddArray("target-score", "target-score.npy", scores.Select(s => s.Scores[result.Target]).ToArray(), n);
            run.AddNumberColumn($"score of class {result.Target}", "target-score");
        }

        var shape = inputs.Values.Shape;
        Float32Array perElement;
        if (inputs.TokenIds is not null)
        {
            run.SetTextInputs("texts.json", Enumerable.Range(0, n).Select(e => string.Join(' ', inputs.Tokens(e).Select(t => t.Word))).ToList());
            perElement = result.PerPosition();
        }
        else if (shape.Length == 4)
        {
            int h = (int)shape[2], w = (int)shape[3];
            var images = new float[(long)n * h * w];
            var maps = new float[(long)n * h * w];
            for (int e = 0; e < n; e++)
            {
                var overlay = Overlay(inputs.Values, result.Relevance, e, "");
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        images[((long)e * h + y) * w + x] = (float)overlay.Image[y, x];
                        maps[((long)e * h + y) * w + x] = (float)overlay.Relevance[y, x];
                    }
            }
            run.AddArray("images", "images.npy", images, n, h, w);
            run.SetImageInputs("images", w, h);
            perElement = new Float32Array("relevance", maps, [n, h, w]);
            run.AddArray("relevance-map", "relevance-map.npy", perElement);
            run.SetRelevance("relevance-map", result.Method, result.Target);
        }
        else
        {
            run.AddArray("inputs", "inputs.npy", inputs.Values);
            if (shape.Length == 2) run.SetValuesInputs("inputs", Enumerable.Range(0, (int)shape[1]).Select(f => $"x{f}").ToList());
            else if (shape.Length == 3)
            {
                run.AddArray("lengths", "lengths.npy", Enumerable.Repeat((float)shape[1], n).ToArray(), n);
                run.SetSequenceInputs("inputs", "lengths", Enumerable.Range(0, (int)shape[2]).Select(f => $"x{f}").ToList());
            }
            perElement = result.Relevance;
            if (shape.Length is 2 or 3)
            {
                run.AddArray("relevance-map", "relevance-map.npy", perElement);
                run.SetRelevance("relevance-map", result.Method, result.Target);
            }
        }

        var flat = new Float32Array("relevance", perElement.Values, [n, perElement.FeaturesPerExample]);
        run.AddCapturedLayer("relevance", "relevance-flat", "relevance-flat.npy", flat);
        if (n >= 3 && flat.FeaturesPerExample > 3)
        {
            var pca = new Reduction.Pca.PcaReducer().Reduce(flat.ToMatrix());
            run.AddAlignedEmbedding("relevance", RunEmbedding.PcaMethod, "relevance-pca", "relevance-pca.npy", pca.Positions);
        }
        run.Write();
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
