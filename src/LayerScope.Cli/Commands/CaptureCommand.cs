using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Errors;
using LayerScope.Onnx;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope capture --model M.onnx --layer L --input X.npy --out A.npy|A.npz</c>: run an ONNX model with
/// ONNX Runtime and save the values of chosen tensors for every input row.</summary>
internal static class CaptureCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string>("--model") { Description = "The ONNX model file.", Required = true };
        var layers = new Option<string[]>("--layer")
        {
            Description = "A tensor name (/act/Relu_output_0), node name (/act/Relu) or module scope (lstm); repeat for several.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var inputs = new Option<string[]>("--input") { Description = "An .npy file of input rows (float32, float64, int64 or int32); one per model input.", Required = true };
        var inputNames = new Option<string[]>("--input-name") { Description = "The model input each --input feeds, in the same order (needed when the model has several inputs)." };
        var batch = new Option<int>("--batch") { Description = "Rows per ONNX Runtime call.", DefaultValueFactory = _ => OnnxCaptureOptions.DefaultBatchSize };
        var output = new Option<string>("--out") { Description = "Output: an .npy file (one layer) or an .npz archive (several layers).", Required = true };

        var command = new Command("capture", "Run an ONNX model on input rows and save the values it computes for chosen tensors, "
            + "streaming in batches.");
        foreach (var option in new Option[] { model, layers, inputs, inputNames, batch, output }) command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var options = new OnnxCaptureOptions
            {
                Layers = parseResult.GetValue(layers) ?? [],
                Inputs = InputFiles.Sources(parseResult.GetValue(inputs), parseResult.GetValue(inputNames)),
                BatchSize = parseResult.GetValue(batch),
                OutputPath = parseResult.GetValue(output),
            };
            InvalidSettingsException.ThrowIfAny(options.Validate());
            var onnx = OnnxModel.Open(parseResult.GetValue(model)!);
            var result = ProgressDisplay.Run(terminal, progress => OnnxActivationCapture.Run(onnx, options, progress));
            foreach (var layer in result.Layers)
            {
                var via = layer.Reference.Kind == OnnxLayerKind.Tensor ? "" : $" ({layer.Reference.Kind switch { OnnxLayerKind.Node => "node", _ => "module scope" }} -> {layer.Reference.TensorName})";
                var moved = layer.ModelBatchAxis == 0 ? "" : $", batch axis {layer.ModelBatchAxis} moved first";
                var key = result.Layers.Count > 1 ? $" as '{layer.Key}'" : "";
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{layer.Layer}{via}: {OnnxElementTypes.Name(layer.ElementType)} [{string.Join(", ", layer.Shape)}]{moved}{key}"));
            }
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {result.OutputPath}: {result.Rows} rows in {result.Elapsed.TotalSeconds:0.00} s ({result.RowsPerSecond:0} rows/s)."));
            return 0;
        });
        return command;
    }
}
