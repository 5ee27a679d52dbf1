using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Errors;
using LayerScope.Workflows.Inspection;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope inspect --model M.onnx --layer L --input X.npy [--labels y.npy] --out DIR</c>: capture,
/// reduce, embed and report in one step.</summary>
internal static class InspectCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string>("--model") { Description = "The ONNX model file.", Required = true };
        var layer = new Option<string>("--layer") { Description = "A tensor name, node name or module scope (see `layers --model`).", Required = true };
        var input = new Option<string>("--input") { Description = "An .npy file of input rows.", Required = true };
        var inputName = new Option<string?>("--input-name") { Description = "The model input it feeds (for multi-input models)." };
        var labels = new Option<string?>("--labels") { Description = "An .npy file with one integer class label per row, to color by." };
        var method = new Option<string>("--method") { Description = "Embedding: tsne, umap or pca.", DefaultValueFactory = _ => "tsne" };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "Rows per ONNX Runtime call.", DefaultValueFactory = _ => 256 };
        var output = new Option<string>("--out") { Description = "Output folder: report.html, embedding.npy, inspect.json, PNGs.", Required = true };
        var command = new Command("inspect", "Capture a layer of an ONNX model, reduce it with PCA, embed it with t-SNE and write a report "
            + "with the scatter colored by label and by predicted class.");
        foreach (var option in new Option[] { model, layer, input, inputName, labels, method, seed, batch, output }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var chosen = ReductionMethods.Parse(parse.GetValue(method), "--method");
            var options = new InspectOptions
            {
                ModelPath = parse.GetValue(model)!,
                Layer = parse.GetValue(layer)!,
                InputPath = parse.GetValue(input)!,
                InputName = parse.GetValue(inputName),
                LabelsPath = parse.GetValue(labels),
                OutputDirectory = parse.GetValue(output)!,
                Method = chosen,
                Seed = parse.GetValue(seed),
                BatchSize = parse.GetValue(batch),
            };
            var result = ProgressDisplay.Run(terminal, progress => OnnxInspection.Run(options, progress, cancellationToken));
            var accuracy = result.Quality.LabelAccuracy is { } value ? string.Create(CultureInfo.InvariantCulture, $", 10-NN label accuracy {value:0.000}") : "";
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{options.Layer} -> {result.TensorName}: {result.Rows} rows x {result.Features} values; trustworthiness {result.Quality.Trustworthiness:0.000}{accuracy}"));
            terminal.Out.WriteLine($"report: {result.ReportPath}");
            return Task.FromResult(0);
        });
        return command;
    }
}
