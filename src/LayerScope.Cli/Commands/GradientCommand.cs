using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope gradient --model M.onnx --input X.npy [--input-name NAME] ... --of TENSOR [--unit K] [--wrt TENSOR] --out G.npy</c>:
/// for every input row, the gradient of a tensor's summed entries (or of one unit) with respect to the input, the
/// embedding of token ids, or any tensor, computed by autograd on the TorchSharp executor.</summary>
internal static class GradientCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string>("--model") { Description = "The ONNX model file.", Required = true };
        var inputs = new Option<string[]>("--input")
        {
            Description = "An .npy file of input rows (float for features and images, int64 token ids for text); one per model input.",
            Required = true,
        };
        var inputNames = new Option<string[]>("--input-name") { Description = "The model input each --input feeds, in the same order (needed when the model has several inputs)." };
        var of = new Option<string>("--of")
        {
            Description = "The tensor differentiated: a tensor name (/fc/Gemm_output_0), node name (/fc/Gemm) or module scope (fc), as `layers` lists them.",
            Required = true,
        };
        var unit = new Option<long?>("--unit") { Description = "Differentiate unit K of the tensor's last axis instead of the sum of all its entries." };
        var wrt = new Option<string?>("--wrt")
        {
            Description = "The tensor differentiated with respect to (default: the float input; for token ids, the embedding lookup's output).",
        };
        var batch = new Option<int>("--batch") { Description = "Rows per forward and backward pass.", DefaultValueFactory = _ => OnnxGradientOptions.DefaultBatchSize };
        var float64 = new Option<bool>("--float64") { Description = "Compute in float64 (weights and inputs widened; the file holds float64)." };
        var output = new Option<string>("--out") { Description = "Output .npy: one gradient per input row, shaped like the row of the --wrt tensor.", Required = true };

        var command = new Command("gradient", "Differentiate a tensor of an ONNX model with respect to its input (or any tensor) at every input row.");
        foreach (var option in new Option[] { model, inputs, inputNames, of, unit, wrt, batch, float64, output }) command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var options = new OnnxGradientOptions
            {
                Inputs = InputFiles.Sources(parseResult.GetValue(inputs), parseResult.GetValue(inputNames)),
                Of = parseResult.GetValue(of)!,
                Unit = parseResult.GetValue(unit),
                Wrt = parseResult.GetValue(wrt),
                BatchSize = parseResult.GetValue(batch),
                OutputPath = parseResult.GetValue(output)!,
            };
            using var onnx = OnnxTorchModel.Load(parseResult.GetValue(model)!, new OnnxTorchOptions { DoublePrecision = parseResult.GetValue(float64) });
            var result = ProgressDisplay.Run(terminal, progress => OnnxGradients.Run(onnx, options, progress));
            var what = result.Unit is { } k ? $"unit {k} of {result.Of.TensorName}" : $"sum of {result.Of.TensorName}";
            var source = result.WrtKind switch
            {
                OnnxGradientSource.Input => $"input {result.Wrt.TensorName}",
                OnnxGradientSource.EmbeddingLookup => $"embedding lookup {result.Wrt.TensorName} (token ids have no gradient)",
                _ => result.Wrt.TensorName,
            };
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"d({what}) / d({source}): {result.Precision} [{string.Join(", ", result.Shape)}]"));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {result.OutputPath}: {result.Rows} rows in {result.Elapsed.TotalSeconds:0.00} s ({result.RowsPerSecond:0} rows/s)."));
            return 0;
        });
        return command;
    }
}
