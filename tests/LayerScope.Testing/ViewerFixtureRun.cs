using LayerScope.Dynamics;
using LayerScope.Reduction;
using LayerScope.Runs;

namespace LayerScope.Testing;

/// <summary>
/// A small, complete run folder for viewer tests (server and browser), written with <see cref="RunManifestWriter"/>:
/// clustered activations in 50 dimensions, per-step activations [N, T, U], 2-D and 3-D embeddings over two epochs, a
/// category column whose last category is an HTML injection attempt, a number column, a text column, and inputs of
/// the kind asked for. The returned object holds the values written, so tests can compare what the server answers.
/// </summary>
public sealed record ViewerFixtureRun
{
    /// <summary>The categories of the "class" column; the last is markup that must never reach a page as HTML.</summary>
    public static IReadOnlyList<string> Classes { get; } = ["cat", "dog", "<img src=x onerror=alert(1)>"];

    /// <summary>Dimensions of the "hidden" activations.</summary>
    public const int HiddenUnits = 50;

    /// <summary>Time steps of the per-step "steps" activations and of sequence inputs.</summary>
    public const int Steps = 4;

    /// <summary>Units per step of the "steps" activations.</summary>
    public const int StepUnits = 3;

    /// <summary>The run folder.</summary>
    public required string Folder { get; init; }

    /// <summary>The number of points.</summary>
    public required int Points { get; init; }

    /// <summary>The "hidden" activations, [N, 50] (array "hidden").</summary>
    public required DenseMatrix Hidden { get; init; }

    /// <summary>The per-step activations, [N, T, U] row-major (array "steps").</summary>
    public required float[] StepValues { get; init; }

    /// <summary>The class codes (array "labels"; point 1 has −1, missing).</summary>
    public required int[] Labels { get; init; }

    /// <summary>The "score" number column's values.</summary>
    public required float[] Scores { get; init; }

    /// <summary>The "note" text column's strings.</summary>
    public required string[] Notes { get; init; }

    /// <summary>The input texts (text inputs).</summary>
    public required string[] Texts { get; init; }

    /// <summary>The input feature values, [N, 4] (values inputs, array "x").</summary>
    public required float[] InputValues { get; init; }

    /// <summary>The sequence lengths (sequence inputs, array "lengths").</summary>
    public required int[] Lengths { get; init; }

    /// <summary>The relevance maps written (one value per input element, row-major), or null.</summary>
    public float[]? Relevance { get; init; }

    /// <summary>The kind of inputs written: "text", "values", "sequence" or "image".</summary>
    public required string InputKind { get; init; }

    /// <summary>Writes a fixture run into <paramref name="folder"/> and returns what it wrote.</summary>
    /// <param name="folder">The run folder (created).</param>
    /// <param name="points">The number of points (at least 12).</param>
    /// <param name="inputs">"text" (with highlights), "values", "sequence" or "image" (4 × 3 pixels).</param>
    /// <param name="title">The run's title.</param>
    /// <param name="seed">Seed of the random values.</param>
    /// <param name="dynamics">Also record <see cref="Dynamics"/> as the run's training dynamics.</param>
    /// <param name="stepsEmbedding">Also write a 2-D PCA-like embedding of layer "net/steps" (array "steps-2d": the
    /// first two of each point's flattened [T·U] step values), so that the viewer can show that layer.</param>
    /// <param name="units">Also write units (image inputs only) for two layers: <see cref="UnitsLayer"/> with everything
    /// (<see cref="UnitTop"/>, maps of the even points from <see cref="UnitMap"/>, synthesis from <see cref="UnitSynthesis"/>)
    /// and <see cref="MarkupUnitsLayer"/> with top-k only.</param>
    /// <param name="relevance">Also write relevance maps over the image or value inputs (method "lrp-epsilon", target
    /// 1): ((j mod 5) − 2) · (1 + i mod 3) for element j of point i, so each map has negative, zero and positive values.</param>
    public static ViewerFixtureRun Write(string folder, int points = 120, string inputs = RunInputs.TextKind, string title = "Fixture run", int seed = 1,
        bool stepsEmbedding = false, bool dynamics = false, bool relevance = false,
        bool units = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 12);
        var random = new Random(seed);
        var (hidden, clusters) = SyntheticClusters.Gaussian(points, HiddenUnits, clusters: 3, separation: 6, seed: seed);
        var labels = clusters.ToArray();
        labels[1] = -1;
        var steps = Enumerable.Range(0, points * Steps * StepUnits).Select(_ => (float)random.NextDouble()).ToArray();
        var scores = Enumerable.Range(0, points).Select(i => i * 0.5f).ToArray();
        var notes = Enumerable.Range(0, points).Select(i => i % 10 == 7 ? $"Needle {i}" : $"note {i}").ToArray();
        var texts = Enumerable.Range(0, points).Select(i => $"point {i} says {(i % 2 == 0 ? "hello" : "goodbye")} & <b>bye</b>").ToArray();
        var x = Enumerable.Range(0, points * 4).Select(i => i * 0.25f).ToArray();
        var lengths = Enumerable.Range(0, points).Select(i => 1 + i % Steps).ToArray();

        var writer = new RunManifestWriter(folder, title, "ViewerFixtureRun", points) { Created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        writer.AddArray("hidden", "activations/hidden.npy", hidden.Values, points, HiddenUnits);
        writer.AddArray("steps", "activations/steps.npy", steps, points, Steps, StepUnits);
        writer.AddArray("labels", "labels.npy", Storage.Npy.NpyArray.Create(labels.Select(l => (long)l).ToArray(), points));
        writer.AddArray("scores", "scores.npy", scores, points);
        writer.AddCategoryColumn("class", "labels", Classes);
        writer.AddNumberColumn("score", "scores");
        writer.AddTextColumn("note", "notes.json", notes);
        writer.AddLayer("net/hidden", HiddenUnits);
        writer.AddLayer("net/steps", StepUnits);
        writer.AddActivations("net/hidden", "hidden");
        writer.AddActivations("net/steps", "steps");
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            writer.AddAlignedEmbedding("net/hidden", RunEmbedding.PcaMethod, $"pca-e{epoch}", $"embeddings/pca-e{epoch}.npy",
                FirstColumns(hidden, 2, epoch), epoch);
        }
        writer.AddAlignedEmbedding("net/hidden", RunEmbedding.TsneMethod, "tsne-3d", "embeddings/tsne-3d.npy", FirstColumns(hidden, 3, 1),
            parameters: new Dictionary<string, double> { ["perplexity"] = 30 });
        if (stepsEmbedding)
        {
            var flat = DenseMatrix.Zeros(points, Steps * StepUnits);
            for (int i = 0; i < points; i++)
                for (int j = 0; j < Steps * StepUnits; j++) flat[i, j] = steps[i * Steps * StepUnits + j];
            writer.AddAlignedEmbedding("net/steps", RunEmbedding.PcaMethod, "steps-2d", "embeddings/steps-2d.npy", FirstColumns(flat, 2, 1));
        }

        switch (inputs)
        {
            case RunInputs.TextKind:
                writer.SetTextInputs("texts.json", texts, "highlights.json", texts.Select(t => (6, 1)).ToList());
                break;
            case RunInputs.ValuesKind:
                writer.AddArray("x", "x.npy", x, points, 4);
                writer.SetValuesInputs("x", ["a", "b", "c", "d"]);
                break;
            case RunInputs.SequenceKind:
                writer.AddArray("seq", "seq.npy", steps, points, Steps, StepUnits);
                writer.AddArray("lengths", "lengths.npy", Storage.Npy.NpyArray.Create(lengths, points));
                writer.SetSequenceInputs("seq", "lengths", ["f1", "f2", "f3"]);
                break;
            case RunInputs.ImageKind:
                writer.AddArray("images", "images.npy", x.Select(v => v * 10).Concat(new float[points * 8]).ToArray(), points, 12);
                writer.SetImageInputs("images", 4, 3);
                break;
            default:
                throw new ArgumentException($"Unknown input kind '{inputs}'.", nameof(inputs));
        }
        if (dynamics) writer.AddDynamics(Dynamics);
        float[]? maps = null;
        if (relevance)
        {
            int per = inputs == RunInputs.ImageKind ? 12 : 4;
            maps = Enumerable.Range(0, points * per).Select(k => (float)((k % per % 5 - 2) * (1 + k / per % 3))).ToArray();
            writer.AddArray("relevance", "relevance.npy", maps, points, per);
            writer.SetRelevance("relevance", "lrp-epsilon", 1);
        }
        if (units) WriteUnits(writer, points);
        writer.Write();
        return new ViewerFixtureRun
        {
            Relevance = maps,
            Folder = writer.Folder, Points = points, Hidden = hidden, StepValues = steps, Labels = labels, Scores = scores,
            Notes = notes, Texts = texts, InputValues = x, Lengths = lengths, InputKind = inputs,
        };
    }

    /// <summary>Rewrites the run.json of <paramref name="folder"/> through <paramref name="edit"/>, for tests of what
    /// the reader refuses.</summary>
    public static void EditManifest(string folder, Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var path = Path.Combine(folder, RunManifest.FileName);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }

    /// <summary>The units layer with maps and synthesis: 3 channels of 2 × 2 maps, top-4.</summary>
    public const string UnitsLayer = "conv1";

    /// <summary>The units layer whose name is markup (2 channels, top-4 only), which must show as text.</summary>
    public const string MarkupUnitsLayer = "<img src=x onerror=alert(4)>";

    /// <summary>Channels, map rows and columns, and k of <see cref="UnitsLayer"/>.</summary>
    public const int UnitChannels = 3, UnitMapRows = 2, UnitMapColumns = 2, UnitK = 4;

    /// <summary>Entry r of channel c of a units layer: its point, activation and patch (top, left, height, width) in
    /// the 3 × 4 image; the first patch starts above the image (in the padding).</summary>
    public static (int Point, float Activation, int Top, int Left, int Height, int Width) UnitTop(int points, int c, int r) =>
        ((c * 5 + r * 7 + 3) % points, 10 - r - c, r - 1, c, 2, 3);

    /// <summary>Value j (row-major) of channel c's feature map for point p (stored for even points only).</summary>
    public static float UnitMap(int p, int c, int j) => (p + 1) * (c + 1) + j * 0.5f;

    /// <summary>Pixel j of channel c's synthesized image.</summary>
    public static float UnitSynthesis(int c, int j) => (j + c) % 12 / 11f;

    /// <summary>The synthesis objective of <see cref="UnitsLayer"/>, in words.</summary>
    public const string UnitObjective = "unit (1, 1)";

    /// <summary>Channel c's synthesis objective before, after and over the data: 10× its mean, 15×, and a mean of 0 (no ratio).</summary>
    public static (float Before, float After, float Mean) UnitScore(int c) => (0.25f * c, 2 + c, c == 2 ? 0 : 0.2f);

    private static void WriteUnits(RunManifestWriter writer, int points)
    {
        Arrays.Float32Array Top(int channels) => new("top", [.. Enumerable.Range(0, channels * UnitK).SelectMany(e =>
        {
            var (point, activation, top, left, height, width) = UnitTop(points, e / UnitK, e % UnitK);
            return new float[] { point, activation, top, left, height, width };
        })], [channels, UnitK, RunUnits.TopFields]);
        var mapPoints = Enumerable.Range(0, points).Where(p => p % 2 == 0).ToArray();
        int per = UnitMapRows * UnitMapColumns;
        var maps = mapPoints.SelectMany(p => Enumerable.Range(0, UnitChannels * per).Select(k => UnitMap(p, k / per, k % per))).ToArray();
        var synthesis = Enumerable.Range(0, UnitChannels * 12).Select(k => UnitSynthesis(k / 12, k % 12)).ToArray();
        writer.AddUnits(UnitsLayer, Top(UnitChannels), new Arrays.Float32Array("maps", maps, [mapPoints.Length, UnitChannels, UnitMapRows, UnitMapColumns]),
            mapPoints, new Arrays.Float32Array("synthesis", synthesis, [UnitChannels, 3, 4]),
            new Arrays.Float32Array("scores", [.. Enumerable.Range(0, UnitChannels).SelectMany(c => new[] { UnitScore(c).Before, UnitScore(c).After, UnitScore(c).Mean })],
                [UnitChannels, RunUnits.ScoreFields]), UnitObjective);
        writer.AddUnits(MarkupUnitsLayer, Top(2));
    }

    /// <summary>The layer name of <see cref="Dynamics"/> that is markup, and must show as text.</summary>
    public const string MarkupLayer = "<img src=x onerror=alert(3)>";

    /// <summary>Training dynamics over the fixture's two epochs: a Linear layer "fc1" (weights and gradients), a ReLU
    /// "relu1" whose unit 1 never fires (dead), and a Linear layer named <see cref="MarkupLayer"/> whose gradient is
    /// vanishing. Histograms are counted by <see cref="HistogramBinning"/>, so their bins are those a recorder makes.</summary>
    public static TrainingDynamics Dynamics { get; } = MakeDynamics();

    private static TrainingDynamics MakeDynamics()
    {
        LayerDynamics Linear(string name, double[] norms, int seed)
        {
            var random = new Random(seed);
            var weights = new HistogramBinning(HistogramKind.Weights);
            var gradients = new HistogramBinning(HistogramKind.WeightGradients);
            for (int epoch = 1; epoch <= 2; epoch++)
            {
                // The weights spread out from epoch 1 to 2, so the bands widen and the ridges differ.
                weights.Add(epoch, [Enumerable.Range(0, 200).Select(_ => (float)((random.NextDouble() - 0.5) * epoch)).ToArray()]);
                gradients.Add(epoch, [Enumerable.Range(0, 200).Select(_ => (float)((random.NextDouble() - 0.5) * norms[epoch - 1])).ToArray()]);
            }
            return new LayerDynamics
            {
                Name = name, ModuleType = "Linear", Histograms = [weights.Result(), gradients.Result()], GradientNorms = norms, UpdateRatios = [1e-3, 8e-4],
            };
        }
        var activations = new HistogramBinning(HistogramKind.Activations);
        activations.Add(1, [[0, 0, 0.5f, 1, 2, 0, 0.25f, 3]]);
        activations.Add(2, [[0, 0, 1, 2, 4, 0, 0.5f, 6]]);
        return new TrainingDynamics
        {
            Network = "fixture-net",
            LossName = "cross-entropy",
            Checkpoints = [new DynamicsCheckpoint(1, 10, 0.9, 0.6, 1.1, 0.55, 0.01), new DynamicsCheckpoint(2, 20, 0.4, 0.85, 0.7, 0.75, 0.01)],
            GradientNorms = [0.6, 0.35],
            Layers =
            [
                Linear("fc1", [0.5, 0.3], 1),
                new LayerDynamics
                {
                    Name = "relu1", ModuleType = "ReLU", Histograms = [activations.Result()], GradientNorms = [double.NaN, double.NaN],
                    UpdateRatios = [double.NaN, double.NaN], UnitActivity = [[0.5, 0, 1], [0.4, 0, 0.9]],
                },
                Linear(MarkupLayer, [1e-6, 1e-9], 2),
            ],
        };
    }

    private static DenseMatrix FirstColumns(DenseMatrix matrix, int columns, int scale)
    {
        var result = DenseMatrix.Zeros(matrix.Rows, columns);
        for (int i = 0; i < matrix.Rows; i++)
            for (int j = 0; j < columns; j++) result[i, j] = matrix[i, j] * scale;
        return result;
    }
}
