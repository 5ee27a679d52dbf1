using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Errors;
using LayerScope.Reduction;
using LayerScope.Reduction.Pca;
using LayerScope.Runs;
using LayerScope.Reduction.Quality;
using LayerScope.Reduction.Tsne;
using LayerScope.Reduction.Umap;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope embed X.npy --method pca|tsne|umap --out E.npy</c>: reduces the rows of X to 2 or 3
/// dimensions. Defaults come from <see cref="TsneOptions"/>, <see cref="UmapOptions"/> and <see cref="PcaOptions"/>.</summary>
public static class EmbedCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var tsne = new TsneOptions();
        var umap = new UmapOptions();
        var input = new Argument<string>("X") { Description = "The points: a 2-D .npy array (points × dimensions), float32 or float64." };
        var method = new Option<ReductionMethod>("--method") { Description = "pca, tsne or umap.", DefaultValueFactory = _ => ReductionMethod.Tsne };
        var dims = new Option<int>("--dims") { Description = "Embedding dimensions (2 or 3).", DefaultValueFactory = _ => tsne.Dimensions };
        var pca = new Option<int>("--pca") { Description = "t-SNE: first reduce to this many principal components (0: no PCA).", DefaultValueFactory = _ => tsne.PcaComponents };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity (below N/3).", DefaultValueFactory = _ => tsne.Perplexity };
        var neighbors = new Option<int>("--neighbors") { Description = "UMAP neighbourhood size.", DefaultValueFactory = _ => umap.Neighbors };
        var minDist = new Option<double>("--min-dist") { Description = "UMAP minimum distance.", DefaultValueFactory = _ => umap.MinDist };
        var iterations = new Option<int?>("--iterations") { Description = "t-SNE iterations (default 1000) or UMAP epochs (default 300)." };
        var seed = new Option<int>("--seed") { Description = "Random seed; equal seeds give equal embeddings. t-SNE with its PCA start and exact neighbours "
            + $"(up to {LayerScope.Reduction.Neighbors.KnnSearch.ExactLimit.ToString("N0", CultureInfo.InvariantCulture)} points, up to {PcaReducer.ExactColumnLimit} columns) has nothing random: every seed gives the same embedding.", DefaultValueFactory = _ => tsne.Seed };
        var threads = new Option<int>("--threads") { Description = "Threads (0: every core).", DefaultValueFactory = _ => tsne.Threads };
        var labels = new Option<string?>("--labels") { Description = "Integer labels (.npy, one per point): report 10-NN label accuracy of the embedding." };
        var output = new Option<string>("--out") { Description = "Where to write the embedding (.npy, points × dims float32).", Required = true };
        var reference = new Option<string?>("--reference")
        {
            Description = "Place the points of X into the t-SNE or UMAP embedding of this run folder (E.run, written by an earlier embed, " +
                "fitted on points with X's columns) instead of fitting: the run's points stay where they are.",
        };
        var plot = new Option<string?>("--plot") { Description = "Also draw the embedding as a scatter (.png), colored by --labels when given." };

        var command = new Command("embed", "Reduce points to 2 or 3 dimensions with PCA, t-SNE or UMAP.")
        {
            input, method, dims, pca, perplexity, neighbors, minDist, iterations, seed, threads, labels, output, plot, reference,
        };
        command.SetAction(parseResult =>
        {
            var x = NpyMatrices.ReadMatrix(parseResult.GetValue(input)!);
            int[]? y = parseResult.GetValue(labels) is { } labelPath ? NpyMatrices.ReadLabels(labelPath, x.Rows) : null;
            int d = parseResult.GetValue(dims);
            int? steps = parseResult.GetValue(iterations);
            var chosen = parseResult.GetValue(method);
            if (parseResult.GetValue(reference) is { } referenceRun)
            {
                var placed = ProgressDisplay.Run(terminal, progress => Place(referenceRun, x, new TsneOptions
                {
                    PcaComponents = parseResult.GetValue(pca),
                    Seed = parseResult.GetValue(seed),
                    Threads = parseResult.GetValue(threads),
                }, new UmapOptions
                {
                    Neighbors = parseResult.GetValue(neighbors),
                    MinDist = parseResult.GetValue(minDist),
                    Seed = parseResult.GetValue(seed),
                    Threads = parseResult.GetValue(threads),
                }, steps));
                NpyMatrices.Write(parseResult.GetValue(output)!, placed);
                terminal.Out.WriteLine($"placed {placed.Rows} points into {referenceRun}; wrote {placed.Rows} × {placed.Columns} positions to {parseResult.GetValue(output)}");
                if (y is not null)
                {
                    terminal.Out.WriteLine(DescribeLabelAccuracy(EmbeddingQuality.ScoreKnnLabelAccuracy(placed, y, sampleSize: LabelAccuracySample, threads: parseResult.GetValue(threads))));
                }
                return 0;
            }
            if (chosen == ReductionMethod.Raw)
                throw new InvalidSettingsException(["--method raw draws points as they are; embed reduces them: use pca, tsne or umap."]);
            var embedding = ProgressDisplay.Run(terminal, progress => chosen switch
            {
                ReductionMethod.Pca => PcaReducer.Fit(x, new PcaOptions
                {
                    Components = d,
                    Seed = parseResult.GetValue(seed),
                    Threads = parseResult.GetValue(threads),
                }, progress).Transform(x, parseResult.GetValue(threads)),
                ReductionMethod.Umap => UmapReducer.Fit(x, new UmapOptions
                {
                    Dimensions = d,
                    Neighbors = parseResult.GetValue(neighbors),
                    MinDist = parseResult.GetValue(minDist),
                    Epochs = steps,
                    Seed = parseResult.GetValue(seed),
                    Threads = parseResult.GetValue(threads),
                }, progress).Positions,
                _ => TsneReducer.Fit(x, new TsneOptions
                {
                    Dimensions = d,
                    PcaComponents = parseResult.GetValue(pca),
                    Perplexity = parseResult.GetValue(perplexity),
                    Iterations = steps ?? tsne.Iterations,
                    Seed = parseResult.GetValue(seed),
                    Threads = parseResult.GetValue(threads),
                }, progress).Positions,
            });
            NpyMatrices.Write(parseResult.GetValue(output)!, embedding);
            terminal.Out.WriteLine($"wrote {embedding.Rows} × {embedding.Columns} embedding to {parseResult.GetValue(output)}");
            var runFolder = WriteRun(parseResult.GetValue(input)!, parseResult.GetValue(output)!, chosen, x, embedding, y);
            terminal.Out.WriteLine($"viewer run: {runFolder} (layerscope serve {Path.GetDirectoryName(runFolder)})");
            if (parseResult.GetValue(plot) is { } plotPath)
            {
                var name = chosen.DisplayName();
                var data = EmbeddingScatter.Create(embedding, y, title: $"{Path.GetFileName(parseResult.GetValue(input))}: {name} of {embedding.Rows:N0} points", axisName: name);
                new ScatterFigure().SavePng(data, plotPath, new FigureSize(760, 600));
                terminal.Out.WriteLine($"wrote the scatter to {plotPath}");
            }
            if (y is not null)
            {
                terminal.Out.WriteLine(DescribeLabelAccuracy(EmbeddingQuality.ScoreKnnLabelAccuracy(embedding, y, sampleSize: LabelAccuracySample, threads: parseResult.GetValue(threads))));
            }
            return 0;
        });
        return command;
    }

    /// <summary>Points whose 10 nearest neighbours vote on their label when there are more (a fixed-seed sample, each
    /// point against all): the 5,000 of issue 15's measurements; a share estimated from 5,000 points has a standard error
    /// below 0.0071 (√(0.25 / 5,000)).</summary>
    private const int LabelAccuracySample = 5_000;

    private static string DescribeLabelAccuracy(SampledLabelAccuracy score) => string.Create(CultureInfo.InvariantCulture,
        $"{score.K}-NN label accuracy {score.Accuracy:0.0000} ({(score.Subsampled ? $"a sample of {score.SampleSize:N0} of {score.Count:N0} points" : $"all {score.Count:N0} points")})");

    /// <summary>Places <paramref name="x"/> into the t-SNE or UMAP embedding of the run <paramref name="runFolder"/>
    /// (its first such embedding, against the activations of the same layer).</summary>
    private static DenseMatrix Place(string runFolder, DenseMatrix x, TsneOptions tsne, UmapOptions umap, int? steps)
    {
        var manifest = RunManifestReader.Read(runFolder);
        string manifestPath = Path.Combine(runFolder, RunManifest.FileName);
        var embedding = manifest.Embeddings.FirstOrDefault(e => e.Method is RunEmbedding.TsneMethod or RunEmbedding.UmapMethod)
            ?? throw new DataFormatException(manifestPath, "embeddings", "a t-SNE or UMAP embedding to place points into (--reference)",
                manifest.Embeddings.Count == 0 ? "none" : string.Join(", ", manifest.Embeddings.Select(e => e.Method)));
        var activations = manifest.Activations.FirstOrDefault(a => a.Layer == embedding.Layer && a.Epoch == embedding.Epoch)
            ?? throw new DataFormatException(manifestPath, "activations", $"the points of layer '{embedding.Layer}' that the embedding was fitted on", "none");
        var fitted = NpyMatrices.ReadMatrix(Path.Combine(runFolder, manifest.Arrays[activations.Array].File));
        var positions = NpyMatrices.ReadMatrix(Path.Combine(runFolder, manifest.Arrays[embedding.Array].File));
        if (x.Columns != fitted.Columns)
            throw new InvalidSettingsException([$"X has {x.Columns} columns; the points of {runFolder} have {fitted.Columns}."]);
        return embedding.Method == RunEmbedding.TsneMethod
            ? EmbeddingPlacement.PlaceTsne(fitted, positions, x, tsne, iterations: steps ?? 100)
            : EmbeddingPlacement.PlaceUmap(fitted, positions, x, umap, steps);
    }

    /// <summary>The folder beside the embedding where its viewer run goes: E.npy → E.run.</summary>
    public static string RunFolderFor(string embeddingPath) => Path.ChangeExtension(Path.GetFullPath(embeddingPath), ".run");

    /// <summary>Writes the viewer run of an embedding: X as the activations (for neighbours and means), the
    /// embedding, and the labels when given. Staged, so the run appears complete or not at all.</summary>
    private static string WriteRun(string inputPath, string embeddingPath, ReductionMethod method, DenseMatrix x, DenseMatrix embedding, int[]? labels)
    {
        var methodName = method.Name();
        using var output = StagedDirectory.Create(RunFolderFor(embeddingPath), RunManifest.FileName);
        var run = new RunManifestWriter(output.Path, $"{Path.GetFileName(inputPath)}: {methodName}", "layerscope embed", x.Rows);
        const string layer = "X";
        run.AddLayer(layer, x.Columns);
        run.AddArray("x", "x.npy", x.Values, x.Rows, x.Columns);
        run.AddActivations(layer, "x");
        run.AddArray("embedding", "embedding.npy", embedding.Values, embedding.Rows, embedding.Columns);
        run.AddEmbedding(layer, methodName, "embedding");
        if (labels is not null) run.AddLabelColumn("label", "labels.npy", labels);
        run.Write();
        output.Commit();
        return output.Target;
    }
}
