using System.Globalization;
using LayerScope.Capture;
using LayerScope.Errors;
using LayerScope.Interpretation;
using LayerScope.Models;
using LayerScope.Models.Zoo;
using LayerScope.Progress;
using LayerScope.Reduction;
using LayerScope.Reduction.Tsne;
using LayerScope.Runs;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using LayerScope.Text;
using LayerScope.Training;
using LayerScope.Workflows;
using LayerScope.Workflows.Sections;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Cli.Demos;

/// <summary>
/// Trains a 2-layer character LSTM on a text (by default LayerScope's own source, embedded in the tool), samples text
/// from it, captures every cell of every layer character by character over a held-out passage, and finds the cells
/// that track the text's context (inside a string, nesting depth, position in line, ...) by correlation.
/// </summary>
/// <remarks>"Cells" are the LSTM cell states c_t (as in Karpathy, Johnson and Fei-Fei 2015), obtained by stepping each
/// layer's own weights (<see cref="CharRnn.CellStates"/>); the hidden states h_t are captured through forward hooks and
/// saved beside them.</remarks>
public static class CharRnnDemo
{
    private static readonly FigureSize FigureSize = new(900, 520);
    private const int HeatmapCharacters = 120;

    public static CharRnnDemoResult Run(CharRnnDemoOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (corpusName, text) = LoadText(options);
        int minimum = options.BatchSize * (options.SequenceLength + 1) + 2;
        int heldOutStart = LineStartAtOrAfter(text, (int)(text.Length * (1 - options.HeldOutFraction)));
        if (heldOutStart < minimum || text.Length - heldOutStart < 2)
            throw new LayerScopeException($"{corpusName} has {text.Length} characters; the charrnn demo needs at least "
                + $"{(int)Math.Ceiling(minimum / (1 - options.HeldOutFraction)) + 2} ({options.BatchSize} streams of {options.SequenceLength + 1} "
                + $"characters to train on, and {options.HeldOutFraction:P0} held out). Pass a longer --text file.");

        var vocabulary = CharVocabulary.FromText(text, options.MaxVocabulary);
        var train = text[..heldOutStart];
        var heldOut = text[heldOutStart..];
        var passage = ChoosePassage(heldOut, options.PassageLength);

        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(options.Seed);
        using var model = new CharRnn(vocabulary.Size, options.HiddenSize, options.Layers);
        var layers = LayerTable.Describe(model, torch.zeros(1, 8, vocabulary.Size));
        using var output = StagedDirectory.Create(options.OutputDirectory, "metrics.json");

        var steps = CharRnnTrainer.Fit(model, vocabulary.Encode(train), new CharRnnTrainingOptions
        {
            Steps = options.Steps,
            TimeLimit = options.TimeLimit,
            BatchSize = options.BatchSize,
            SequenceLength = options.SequenceLength,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
        }, progress, cancellationToken);
        double heldOutLoss = CharRnnTrainer.Evaluate(model, vocabulary.Encode(heldOut.Length > 5_000 ? heldOut[..5_000] : heldOut));

        var prime = passage.Split('\n')[0];
        if (prime.Length == 0) prime = "\n";
        var samples = options.Temperatures
            .Select(t => new GeneratedSample(t, CharRnnSampler.Sample(model, vocabulary, prime, options.SampleLength, t, options.Seed)))
            .ToList();

        // Capture: hidden states and logits through hooks, cell states by stepping the same weights.
        cancellationToken.ThrowIfCancellationRequested();
        int layerCount = model.LayerNames.Count;
        progress?.Report(new StepProgress("capture", 0, layerCount + 1, $"{passage.Length} characters"));
        var encodedPassage = vocabulary.Encode(passage);
        using var passageOneHot = torch.nn.functional.one_hot(torch.tensor(encodedPassage.Select(i => (long)i).ToArray()), vocabulary.Size).to(ScalarType.Float32);
        using var passageBatch = passageOneHot.unsqueeze(0);
        var captured = ActivationCapture.Run(model, passageBatch, [.. model.LayerNames, "output"], cancellationToken: cancellationToken);
        progress?.Report(new StepProgress("capture", 1, layerCount + 1, $"{passage.Length} characters"));
        var stepped = model.CellStates(passageOneHot);
        progress?.Report(new StepProgress("capture", layerCount + 1, layerCount + 1, $"{passage.Length} characters"));
        double stepCheck = StateAgreement.MaxDifference([.. model.LayerNames.Select(l => captured[l].Values)], [.. stepped.Select(s => s.Hidden)]);
        var cells = model.LayerNames.Select((name, l) => new LayerStates(name, stepped[l].Cells, passage.Length, model.HiddenSize)).ToList();

        var features = CharacterContextFeatures.Compute(passage);
        var discovered = CellDiscovery.Rank(cells, features.All(), options.TopCells);

        var allCells = LayerConcatenation.Concatenate(cells, "all layers").Values;
        var tsne = new TsneReducer(new TsneOptions { Seed = options.Seed, Perplexity = TsneOptions.PerplexityFor(passage.Length) })
            .Reduce(new DenseMatrix(allCells, passage.Length, layerCount * model.HiddenSize), progress, cancellationToken);
        var xy = tsne.Positions.ToDoubles();

        // Files.
        AtomicFile.WriteAllText(output.File("passage.txt"), passage);
        // The viewer's run: one point per character of the passage, its cell and hidden states per layer, all cells
        // together with their t-SNE, its syntactic context, and the text around it.
        var run = new RunManifestWriter(output.Path, $"Character LSTM on {corpusName}: the state after each character", "layerscope demo charrnn", passage.Length);
        for (int l = 0; l < layerCount; l++)
        {
            var layer = model.LayerNames[l];
            run.AddArray($"cells-{layer}", $"cells-{layer}.npy", stepped[l].Cells, passage.Length, model.HiddenSize);
            run.AddArray($"hidden-{layer}", $"hidden-{layer}.npy", stepped[l].Hidden, passage.Length, model.HiddenSize);
            run.AddLayer($"{layer}/c", model.HiddenSize);
            run.AddLayer($"{layer}/h", model.HiddenSize);
            run.AddActivations($"{layer}/c", $"cells-{layer}");
            run.AddActivations($"{layer}/h", $"hidden-{layer}");
        }
        const string allLayers = "all layers/c";
        run.AddArray("cells-all", "cells-all.npy", allCells, passage.Length, layerCount * model.HiddenSize);
        run.AddLayer(allLayers, layerCount * model.HiddenSize);
        run.AddActivations(allLayers, "cells-all");
        run.AddArray("tsne", "states-tsne.npy", NpyArray.Create(xy, passage.Length, 2));
        run.AddEmbedding(allLayers, tsne.Method.Name(), "tsne", parameters: new Dictionary<string, double> { ["seed"] = options.Seed });
        var windows = ContextWindows.Around(passage, ContextRadius);
        run.SetTextInputs("context.json", [.. windows.Select(w => w.Text)], "context-highlight.json", [.. windows.Select(w => (w.Start, w.Length))]);
        model.save(output.File("model.dat"));

        // Report.
        var report = new ReportBuilder("Character-level LSTM: which cells track strings, nesting and lines?");
        report.AddParagraph($"A {layerCount}-layer LSTM with {model.HiddenSize} cells per layer read {corpusName} ({text.Length:N0} characters, "
            + $"{vocabulary.Size} distinct symbols) one character at a time and learned to predict the next one. After training, it read a "
            + $"held-out passage of {passage.Length:N0} characters while every cell state c_t of every layer was recorded, and each cell "
            + "was correlated with features of the text computed by a small lexer: inside a string, inside a comment, brace / paren / "
            + "bracket depth, position in line, start of a word, end of a sentence (Karpathy, Johnson and Fei-Fei 2015, "
            + "\"Visualizing and Understanding Recurrent Networks\", found such cells by eye; here they are found by correlation).");
        report.AddKeyValues(
        [
            new("corpus", $"{corpusName}, {text.Length:N0} characters; last {options.HeldOutFraction:P0} held out"),
            new("model", $"{model.GetName()}: one-hot({vocabulary.Size}) → {string.Join(" → ", model.LayerNames.Select(n => $"{n} LSTM({model.HiddenSize})"))} → linear({vocabulary.Size})"),
            new("training", $"{steps.Count} Adam steps (lr {options.LearningRate}), {options.BatchSize} streams × {options.SequenceLength} characters, "
                + $"state carried between steps; {steps[^1].Seconds:0} s"
                + (steps.Count < options.Steps ? $" (stopped by the {options.TimeLimit?.TotalMinutes:0.#}-minute limit)" : "")),
            new("loss", $"first step {steps[0].Loss:0.000}, last 50 steps {steps.TakeLast(50).Average(s => s.Loss):0.000}, held out {heldOutLoss:0.000} nats per character "
                + $"(uniform guessing: {Math.Log(vocabulary.Size):0.000})"),
            new("seed", options.Seed.ToString(CultureInfo.InvariantCulture)),
        ]);
        var lossPng = new LinePlotFigure().RenderPng(new LinePlotData("Training loss", "step", "cross-entropy (nats per character)",
        [
            new LineSeries("batch", steps.Select(s => (double)s.Step).ToArray(), steps.Select(s => s.Loss).ToArray()),
            new LineSeries("moving average (50 steps)", steps.Select(s => (double)s.Step).ToArray(), MovingAverage(steps.Select(s => s.Loss).ToArray(), 50)),
        ]), FigureSize);
        AtomicFile.WriteAllBytes(output.File("loss.png"), lossPng);
        report.AddImage("Training loss per step", lossPng);

        report.AddHeading("Generated text");
        report.AddParagraph($"Sampled after the first line of the passage, {options.SampleLength} characters per temperature (lower is safer, higher is more varied).");
        foreach (var sample in samples)
        {
            report.AddHeading(string.Create(CultureInfo.InvariantCulture, $"temperature {sample.Temperature:0.0#}"), 3);
            report.AddPreformatted(prime + sample.Text);
        }

        report.AddHeading("Discovered cells");
        report.AddParagraph("For each feature, the cells whose state over the passage correlates best with it (Pearson r). "
            + "A cell worth looking at stands clearly above the median |r| of all cells.");
        report.AddTable(["feature", "rank", "layer", "cell", "r", "median |r| (all cells)"],
            discovered.SelectMany(f => f.Top.Select((c, k) => (IReadOnlyList<string>)
                [f.Feature.Name, (k + 1).ToString(CultureInfo.InvariantCulture), c.Layer, c.Cell.ToString(CultureInfo.InvariantCulture),
                 c.R.ToString("0.000", CultureInfo.InvariantCulture), f.MedianAbsR.ToString("0.000", CultureInfo.InvariantCulture)])).ToList());

        var traces = new List<TextTrace>();
        foreach (var feature in discovered)
            foreach (var cell in feature.Top.Take(2))
                traces.Add(new TextTrace(string.Create(CultureInfo.InvariantCulture, $"{cell.Layer} cell {cell.Cell}: {feature.Feature.Name}, r = {cell.R:0.00}"),
                    cells[model.LayerNames.ToList().IndexOf(cell.Layer)].Unit(cell.Cell)));
        foreach (var feature in discovered)
            traces.Add(new TextTrace($"the feature itself: {feature.Feature.Name}", feature.Feature.Values));
        if (traces.Count > 0)
        {
            var logits = captured["output"];
            report.AddHeading("The passage, colored by a cell");
            report.AddParagraph("Each character's background is the chosen cell's state after reading it: blue negative, white 0, red positive "
                + "(scaled by the cell's largest |value| in the passage). Hover a character for the model's top 5 guesses of the next one.");
            var guesses = NextCharacterPredictions.Top(logits.Values, passage.Length, vocabulary);
            report.AddTextView("Held-out passage colored by", passage, traces, [.. guesses.Select(g => NextCharacterPredictions.HoverText(g, CharacterGlyphs.Display))]);

            var heatCells = discovered.Select(f => f.Top[0]).DistinctBy(c => (c.Layer, c.Cell)).ToList();
            int columns = Math.Min(HeatmapCharacters, passage.Length);
            var values = new double[heatCells.Count, columns];
            for (int r = 0; r < heatCells.Count; r++)
            {
                var unit = cells[model.LayerNames.ToList().IndexOf(heatCells[r].Layer)].Unit(heatCells[r].Cell);
                for (int t = 0; t < columns; t++) values[r, t] = unit[t];
            }
            var heatmapPng = new HeatmapFigure().RenderPng(new HeatmapData(values, $"Discovered cells over the first {columns} characters", "cell", "character", "cell state c",
                heatCells.Select(c => $"{c.Layer}/{c.Cell}").ToList(), [.. CharacterGlyphs.Labels(passage.AsSpan(0, columns))]) { Scaling = HeatmapScaling.PerRow }, new FigureSize(1000, 420));
            AtomicFile.WriteAllBytes(output.File("cells-heatmap.png"), heatmapPng);
            report.AddImage("The best cell per feature (rows) over the first characters of the passage (columns)", heatmapPng);
        }

        var (labels, classNames) = ContextClasses(features);
        run.AddCategoryColumn("context", "context-classes.npy", labels, classNames);
        run.Write();
        var scatter = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = new DenseMatrix(allCells, passage.Length, layerCount * model.HiddenSize),
            Embedding = tsne.Positions,
            Labels = labels,
            ClassNames = classNames,
            Title = "Cell states of every character, t-SNE",
            AxisName = "t-SNE",
            Caption = "The cell states of all layers after each character of the passage, embedded in 2-D with t-SNE, colored by syntactic context",
            Size = new FigureSize(760, 600),
        });
        AtomicFile.WriteAllBytes(output.File("states-tsne.png"), scatter.Png);
        report.AddHeading("All cells at once");
        scatter.AddTo(report);
        new LayerTableSection(layers).AddTo(report);

        WriteMetrics(output.File("metrics.json"), options, corpusName, text.Length, vocabulary, steps, heldOutLoss, samples, discovered, stepCheck);
        report.Save(output.File("report.html"));
        output.Commit();
        return new CharRnnDemoResult(corpusName, text.Length, steps, heldOutLoss, samples, discovered, output.Target);
    }

    private static (string Name, string Text) LoadText(CharRnnDemoOptions options)
    {
        if (options.TextFile is null)
        {
            var sources = EmbeddedSources.ReadAll();
            if (sources.Length == 0) throw new LayerScopeException("this build of layerscope has no embedded source files to train on; pass --text FILE.");
            return ($"LayerScope's own C# source ({EmbeddedSources.Paths.Count} files)", sources);
        }
        if (!File.Exists(options.TextFile))
            throw new LayerScopeException($"--text: the file {options.TextFile} does not exist.");
        string text;
        try
        {
            text = File.ReadAllText(options.TextFile);
        }
        catch (IOException error)
        {
            throw new LayerScopeException($"--text: the file {options.TextFile} cannot be read: {error.Message}");
        }
        return (Path.GetFileName(options.TextFile), text.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    private static int LineStartAtOrAfter(string text, int index)
    {
        if (index <= 0) return 0;
        int newline = text.IndexOf('\n', Math.Min(index, text.Length) - 1);
        return newline < 0 || newline + 1 >= text.Length ? Math.Min(index, text.Length) : newline + 1;
    }

    /// <summary>The window of <paramref name="length"/> characters, starting at a line start, with the most string
    /// openings, comment markers and brace changes: the passage where context cells have the most to show.</summary>
    private static string ChoosePassage(string heldOut, int length)
    {
        if (heldOut.Length <= length) return heldOut;
        var features = CharacterContextFeatures.Compute(heldOut);
        var events = new int[heldOut.Length + 1];
        for (int i = 0; i < heldOut.Length; i++)
        {
            bool change = i > 0 && (features.Context[i] != features.Context[i - 1] || features.BraceDepth[i] != features.BraceDepth[i - 1]);
            events[i + 1] = events[i] + (change ? 1 : 0);
        }
        int best = 0, bestScore = -1;
        for (int start = 0; start + length <= heldOut.Length; start = heldOut.IndexOf('\n', start) is int n and >= 0 ? n + 1 : heldOut.Length)
        {
            int score = events[start + length] - events[start];
            if (score > bestScore) (best, bestScore) = (start, score);
        }
        return heldOut.Substring(best, length);
    }

    /// <summary>Characters shown on each side of a character when the viewer hovers it.</summary>
    private const int ContextRadius = 40;

    private static (int[] Labels, IReadOnlyList<string> Names) ContextClasses(CharacterContextFeatures features)
    {
        bool code = features.Context.Contains(CharacterContext.Comment) || features.BraceDepth.Any(d => d > 0);
        if (code) return (features.Context.Select(c => (int)c).ToArray(), ["code", "string", "comment"]);
        return (features.Context.Select(c => c == CharacterContext.StringLiteral ? 1 : 0).ToArray(), ["outside quotes", "inside quotes"]);
    }

    private static double[] MovingAverage(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    private static void WriteMetrics(string path, CharRnnDemoOptions options, string corpus, int characters, CharVocabulary vocabulary,
        IReadOnlyList<LanguageModelStep> steps, double heldOutLoss, IReadOnlyList<GeneratedSample> samples, IReadOnlyList<FeatureCells> cells, double stepCheck)
    {
        var metrics = new
        {
            demo = "charrnn",
            corpus,
            characters,
            vocabulary = vocabulary.Size,
            seed = options.Seed,
            hiddenSize = options.HiddenSize,
            layers = options.Layers,
            batchSize = options.BatchSize,
            sequenceLength = options.SequenceLength,
            learningRate = options.LearningRate,
            steps = steps.Count,
            trainingSeconds = steps[^1].Seconds,
            firstLoss = steps[0].Loss,
            finalLoss = steps.TakeLast(50).Average(s => s.Loss),
            heldOutLoss,
            // Largest difference between the hooked LSTM outputs and the stepped equations' h_t: the stepped c_t are the LSTM's own.
            cellStepCheck = stepCheck,
            samples = samples.Select(s => new { temperature = s.Temperature, text = s.Text }),
            cells = cells.Select(f => new
            {
                feature = f.Feature.Name,
                medianAbsR = f.MedianAbsR,
                top = f.Top.Select(c => new { layer = c.Layer, cell = c.Cell, r = c.R }),
            }),
            loss = steps.Select(s => s.Loss),
        };
        MetricsFile.Write(path, metrics);
    }
}
