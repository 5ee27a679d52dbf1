using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Models;
using LayerScope.Workflows.Explanation;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope explain --model M.onnx|--zoo NAME --weights W --input X.npy --method M [--target k] --out DIR</c>:
/// which input elements drove the score of class k (relevance NPY, class scores, heatmaps for images).</summary>
internal static class ExplainCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string?>("--model") { Description = "An ONNX model file (gradient methods and occlusion)." };
        var zoo = new Option<string?>("--zoo") { Description = $"A built-in model (every method, LRP included): {string.Join(", ", ModelZoo.All.Select(m => m.Name))}." };
        var weights = new Option<string?>("--weights") { Description = "With --zoo: the trained weights (model.dat, written by the cnn, imdb and banknote demos). Required unless --random-weights." };
        var randomWeights = new Option<bool>("--random-weights") { Description = "With --zoo: explain the untrained network (random weights) on purpose." };
        var input = new Option<string>("--input") { Description = "An .npy file of inputs [N, ...] (float for features and images, int64 token ids for text).", Required = true };
        var method = new Option<string>("--method") { Description = $"One of {string.Join(", ", ExplainOptions.Methods)}.", Required = true };
        var target = new Option<long?>("--target") { Description = "The class to explain (default: the class predicted for the first example)." };
        var embedding = new Option<string?>("--embedding") { Description = "For token models: the tensor or layer whose output is the embedding (relevance is per token); for an ONNX model, by default the one embedding lookup (a Gather of a table by the ids) in its graph." };
        var words = new Option<string?>("--words") { Description = "For token inputs: a text file with one word per line (line i is token id i), so the colored text shows words." };
        var padding = new Option<long?>("--padding-token") { Description = "For token inputs: the id that pads a sequence, left out of the colored text.", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--steps") { Description = "Integrated-gradients steps.", DefaultValueFactory = _ => 64 };
        var baseline = new Option<string?>("--baseline") { Description = $"ig: what to integrate from: {string.Join(", ", ExplainOptions.Baselines.Select(b => b.Name))} (default zeros; padding-token uses --padding-token)." };
        var unitLayer = new Option<string?>("--unit-layer") { Description = "guided-backprop, deconvnet: a conv layer (e.g. conv1) whose channel --unit-channel is explained instead of a class." };
        var unitChannel = new Option<int?>("--unit-channel") { Description = "guided-backprop, deconvnet: the channel of --unit-layer." };
        var qualityExamples = new Option<int>("--quality-examples") { Description = "Inputs the report's deletion-curve area and randomization rank correlation are measured on (0: skip them).", DefaultValueFactory = _ => 64 };
        var output = new Option<string>("--out") { Description = "Output folder (written all at once).", Required = true };
        var command = new Command("explain", "Attribute a prediction to the input: LRP, integrated gradients, gradient × input, saliency, SmoothGrad, "
            + "guided backpropagation, deconvnet or occlusion, toward any class.");
        foreach (var option in new Option[] { model, zoo, weights, randomWeights, input, method, target, embedding, words, padding, steps, baseline, unitLayer, unitChannel, qualityExamples, output }) command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var options = new ExplainOptions
            {
                ModelPath = parseResult.GetValue(model),
                ZooName = parseResult.GetValue(zoo),
                WeightsPath = parseResult.GetValue(weights),
                RandomWeights = parseResult.GetValue(randomWeights),
                InputPath = parseResult.GetValue(input)!,
                Method = parseResult.GetValue(method)!,
                Target = parseResult.GetValue(target),
                Embedding = parseResult.GetValue(embedding),
                WordsPath = parseResult.GetValue(words),
                PaddingToken = parseResult.GetValue(padding),
                Steps = parseResult.GetValue(steps),
                Baseline = parseResult.GetValue(baseline),
                UnitLayer = parseResult.GetValue(unitLayer),
                UnitChannel = parseResult.GetValue(unitChannel),
                QualityExamples = parseResult.GetValue(qualityExamples),
                OutputDirectory = parseResult.GetValue(output)!,
            };
            var result = ProgressDisplay.Run(terminal, progress => ExplainWorkflow.Run(options, progress));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Attribution.Method} toward {(options.UnitLayer is null ? "class" : $"channel of {options.UnitLayer}")} {result.Target}: relevance [{string.Join(", ", result.Attribution.Relevance.Shape)}], "
                + $"{result.Heatmaps.Count} heatmaps, explain.html and a viewer run (layerscope serve), written to {result.OutputDirectory}."));
            var first = result.Attribution.ClassScores.Example(0);
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Class scores of example 0: {string.Join(", ", first.ToArray().Take(10).Select((v, k) => $"{k}: {v:0.###}"))}{(first.Length > 10 ? ", …" : "")}."));
            if (result.Quality is { } quality)
            {
                var correlation = double.IsNaN(quality.RandomizationRankCorrelation) ? ""
                    : string.Create(CultureInfo.InvariantCulture, $"; rank correlation with a randomized model: {quality.RandomizationRankCorrelation:0.000}");
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Deletion-curve area between random and most-relevant-first order: {quality.DeletionAreaBetween:0.000}{correlation}."));
            }
            if (result.Attribution.ConvergenceDelta is { } delta)
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Largest |Σ relevance − expected|: {delta.Max(Math.Abs):G4}."));
            return 0;
        });
        return command;
    }
}
