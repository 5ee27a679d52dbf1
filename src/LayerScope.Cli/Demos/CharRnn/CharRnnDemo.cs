using System.Globalization;
using LayerScope.Errors;
using LayerScope.Interpretation;
using LayerScope.Reduction.Tsne;
using LayerScope.Text;
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

    /// <summary>Characters of held-out text in the training-dynamics probe batch.</summary>
    private const int ProbeCharacters = 256;

    /// <summary>Steps between sampled losses and gradient norms.</summary>
    private const int StepInterval = 25;

    private static Tensor OneHot(CharVocabulary vocabulary, string text)
    {
        using var indices = torch.tensor(vocabulary.Encode(text).Select(i => (long)i).ToArray());
        using var oneHot = torch.nn.functional.one_hot(indices, vocabulary.Size);
        using var values = oneHot.to(ScalarType.Float32);
        return values.unsqueeze(0);
    }

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
        var passage = ChoosePassage(text, heldOutStart, options.PassageLength);

        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(options.Seed);
        using var model = new CharRnn(vocabulary.Size, options.HiddenSize, options.Layers);
        var layers = LayerTable.Describe(model, torch.zeros(1, 8, vocabulary.Size));
        using var output = StagedDirectory.Create(options.OutputDirectory, "metrics.json");

        // The probe batch: the start of the held-out text, one sequence; the loss and gradient norm are also sampled
        // every few steps, since a pass over the text (an "epoch") is hundreds of steps.
        using var probe = OneHot(vocabulary, heldOut[..Math.Min(ProbeCharacters, heldOut.Length)]);
        var dynamicsRecorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions
        {
            Probe = TrainingDynamicsOptions.ProbeInputs(probe), LossName = "cross-entropy (nats per character)", StepInterval = StepInterval,
        });
        var steps = CharRnnTrainer.Fit(model, vocabulary.Encode(train), new CharRnnTrainingOptions
        {
            Steps = options.Steps,
            TimeLimit = options.TimeLimit,
            BatchSize = options.BatchSize,
            SequenceLength = options.SequenceLength,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
        }, progress, cancellationToken, dynamicsRecorder);
        var dynamics = dynamicsRecorder.Result();
        double heldOutLoss = CharRnnTrainer.Evaluate(model, vocabulary.Encode(heldOut.Length > 5_000 ? heldOut[..5_000] : heldOut));

        var prime = passage.Split('\n')[0];
        if (prime.Length == 0) prime = "\n";
        var samples = options.Temperatures
            .Select(t => new GeneratedSample(t, CharRnnSampler.Sample(model, vocabulary, prime, options.SampleLength, t, options.Seed)))
            .ToList();

        var states = PassageCapture.Run(model, vocabulary, passage, progress, cancellationToken);
        var cells = states.Cells;
        int layerCount = cells.Count;
        var features = CharacterContextFeatures.Compute(passage);
        var discovered = CellDiscovery.Rank(cells, features.All(), options.TopCells);

        var allCells = LayerConcatenation.Concatenate(cells, "all layers").Values;
        var tsne = new TsneReducer(new TsneOptions { Seed = options.Seed, Perplexity = TsneOptions.PerplexityFor(passage.Length) })
            .Reduce(new DenseMatrix(allCells, passage.Length, layerCount * model.HiddenSize), progress, cancellationToken);

        var (labels, classNames) = ContextClasses(features);
        AtomicFile.WriteAllText(output.File("passage.txt"), passage);
        WriteRun(output, $"Character LSTM on {corpusName}: the state after each character", passage, states, allCells, tsne, labels, classNames, options.Seed, dynamics);
        model.save(output.File("model.dat"));

        var report = new ReportBuilder("Character-level LSTM: which cells track strings, nesting and lines?");
        AddIntroduction(report, options, model, vocabulary, corpusName, text.Length, passage.Length, steps, heldOutLoss);
        new StepLossSection(steps) { Size = FigureSize }.AddTo(report, output);
        new TrainingDynamicsSection(dynamics) { Curves = false }.AddTo(report, output);
        new GeneratedTextSection(prime, samples).AddTo(report);
        var guesses = NextCharacterPredictions.Top(states.Logits.Values, passage.Length, vocabulary);
        new CellDiscoverySection(discovered, cells, passage) { HoverTexts = [.. guesses.Select(g => NextCharacterPredictions.HoverText(g, CharacterGlyphs.Display))] }
            .AddTo(report, output);

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

        WriteMetrics(output.File("metrics.json"), options, corpusName, text.Length, vocabulary, steps, heldOutLoss, samples, discovered, states.StepCheck);
        report.Save(output.File("report.html"));
        output.Commit();
        var tensorBoard = TensorBoardExport.RunIfAsked(options.TensorBoardDirectory, output.Target, progress, cancellationToken);
        return new CharRnnDemoResult(corpusName, text.Length, steps, heldOutLoss, samples, discovered, output.Target) { Dynamics = dynamics, TensorBoard = tensorBoard };
    }

    /// <summary>The viewer's run: one point per character of the passage, its cell and hidden states per layer, all
    /// cells together with their t-SNE, the text around it, and its syntactic context.</summary>
    private static void WriteRun(StagedDirectory output, string title, string passage, PassageStates states, float[] allCells, ReducedPoints tsne,
        int[] labels, IReadOnlyList<string> classNames, int seed, TrainingDynamics dynamics)
    {
        var run = new RunManifestWriter(output.Path, title, "layerscope demo charrnn", passage.Length);
        int layerCount = states.Cells.Count, units = states.Cells[0].Units;
        for (int l = 0; l < layerCount; l++)
        {
            var layer = states.Cells[l].Layer;
            run.AddArray($"cells-{layer}", $"cells-{layer}.npy", states.Cells[l].Values, passage.Length, units);
            run.AddArray($"hidden-{layer}", $"hidden-{layer}.npy", states.Hidden[l].Values, passage.Length, units);
            run.AddLayer($"{layer}/c", units);
            run.AddLayer($"{layer}/h", units);
            run.AddActivations($"{layer}/c", $"cells-{layer}");
            run.AddActivations($"{layer}/h", $"hidden-{layer}");
        }
        const string allLayers = "all layers/c";
        run.AddArray("cells-all", "cells-all.npy", allCells, passage.Length, layerCount * units);
        run.AddLayer(allLayers, layerCount * units);
        run.AddActivations(allLayers, "cells-all");
        run.AddArray("tsne", "states-tsne.npy", NpyArray.Create(tsne.Positions.ToDoubles(), passage.Length, 2));
        run.AddEmbedding(allLayers, tsne.Method.Name(), "tsne", parameters: new Dictionary<string, double> { ["seed"] = seed });
        var windows = ContextWindows.Around(passage, ContextRadius);
        run.SetTextInputs("context.json", [.. windows.Select(w => w.Text)], "context-highlight.json", [.. windows.Select(w => (w.Start, w.Length))]);
        run.AddCategoryColumn("context", "context-classes.npy", labels, classNames);
        run.AddDynamics(dynamics);
        run.Write();
    }

    /// <summary>What was trained on what, and how well, before the figures.</summary>
    private static void AddIntroduction(ReportBuilder report, CharRnnDemoOptions options, CharRnn model, CharVocabulary vocabulary, string corpusName,
        int characters, int passageLength, IReadOnlyList<LanguageModelStep> steps, double heldOutLoss)
    {
        report.AddParagraph($"A {model.LayerNames.Count}-layer LSTM with {model.HiddenSize} cells per layer read {corpusName} ({characters:N0} characters, "
            + $"{vocabulary.Size} distinct symbols) one character at a time and learned to predict the next one. After training, it read a "
            + $"held-out passage of {passageLength:N0} characters while every cell state c_t of every layer was recorded, and each cell "
            + "was correlated with features of the text computed by a small lexer: inside a string, inside a comment, brace / paren / "
            + "bracket depth, position in line, start of a word, end of a sentence (Karpathy, Johnson and Fei-Fei 2015, "
            + "\"Visualizing and Understanding Recurrent Networks\", found such cells by eye; here they are found by correlation).");
        report.AddKeyValues(
        [
            new("corpus", $"{corpusName}, {characters:N0} characters; last {options.HeldOutFraction:P0} held out"),
            new("model", $"{model.GetName()}: one-hot({vocabulary.Size}) → {string.Join(" → ", model.LayerNames.Select(n => $"{n} LSTM({model.HiddenSize})"))} → linear({vocabulary.Size})"),
            new("training", $"{steps.Count} Adam steps (lr {options.LearningRate}), {options.BatchSize} streams × {options.SequenceLength} characters, "
                + $"state carried between steps; {steps[^1].Seconds:0} s"
                + (steps.Count < options.Steps ? $" (stopped by the {options.TimeLimit?.TotalMinutes:0.#}-minute limit)" : "")),
            new("loss", $"first step {steps[0].Loss:0.000}, last 50 steps {steps.TakeLast(50).Average(s => s.Loss):0.000}, held out {heldOutLoss:0.000} nats per character "
                + $"(uniform guessing: {Math.Log(vocabulary.Size):0.000})"),
            new("seed", options.Seed.ToString(CultureInfo.InvariantCulture)),
        ]);
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

    /// <summary>The window of <paramref name="length"/> characters, starting at a line start, where context cells have
    /// the most to show: the most string and comment boundaries AND the most brace changes. The two counts are
    /// multiplied (each plus one) rather than added, so a window full of string literals but without a single brace
    /// (a table of messages, say) cannot win over one where every feature varies; a feature that is constant in the
    /// passage cannot be correlated with any cell.</summary>
    private static string ChoosePassage(string text, int heldOutStart, int length)
    {
        var heldOut = text[heldOutStart..];
        if (heldOut.Length <= length) return heldOut;
        // Lexed from the start of the whole text: the held-out part may begin inside a multi-line string (a raw string
        // literal of HTML, say), where lexing from its own first character would read the closing quotes as opening
        // ones and every brace after them as part of a string.
        var features = CharacterContextFeatures.Compute(text);
        var contextChanges = new int[heldOut.Length + 1];
        var braceChanges = new int[heldOut.Length + 1];
        for (int i = 0; i < heldOut.Length; i++)
        {
            int t = heldOutStart + i;
            contextChanges[i + 1] = contextChanges[i] + (i > 0 && features.Context[t] != features.Context[t - 1] ? 1 : 0);
            braceChanges[i + 1] = braceChanges[i] + (i > 0 && features.BraceDepth[t] != features.BraceDepth[t - 1] ? 1 : 0);
        }
        int best = -1;
        long bestScore = -1;
        for (int start = 0; start + length <= heldOut.Length; start = heldOut.IndexOf('\n', start) is int n and >= 0 ? n + 1 : heldOut.Length)
        {
            // The passage's own features are computed from its first character on, so it must start in plain code.
            if (features.Context[heldOutStart + start] != CharacterContext.Code) continue;
            long score = (contextChanges[start + length] - contextChanges[start] + 1L) * (braceChanges[start + length] - braceChanges[start] + 1L);
            if (score > bestScore) (best, bestScore) = (start, score);
        }
        return heldOut.Substring(Math.Max(best, 0), length);
    }

    /// <summary>Characters shown on each side of a character when the viewer hovers it.</summary>
    private const int ContextRadius = 40;

    private static (int[] Labels, IReadOnlyList<string> Names) ContextClasses(CharacterContextFeatures features)
    {
        bool code = features.Context.Contains(CharacterContext.Comment) || features.BraceDepth.Any(d => d > 0);
        if (code) return (features.Context.Select(c => (int)c).ToArray(), ["code", "string", "comment"]);
        return (features.Context.Select(c => c == CharacterContext.StringLiteral ? 1 : 0).ToArray(), ["outside quotes", "inside quotes"]);
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
