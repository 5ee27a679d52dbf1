using System.CommandLine;
using LayerScope.Cli.Terminal;
using LayerScope.Errors;
using LayerScope.Onnx;
using Spectre.Console;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope layers --model M.onnx</c> or <c>--zoo NAME</c>: a model's layers, every name that
/// <c>capture --layer</c> accepts.</summary>
internal static class LayersCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string?>("--model") { Description = "An ONNX model file: inputs, outputs and every node grouped by module scope, with output tensor names and shapes." };
        var zoo = new Option<string?>("--zoo") { Description = $"A built-in model: {string.Join(", ", ModelZoo.All.Select(m => m.Name))}." };
        var command = new Command("layers", "List a model's layers: names, types, output shapes, parameters and settings.") { model, zoo };
        command.SetAction(parseResult =>
        {
            var modelPath = parseResult.GetValue(model);
            var zooName = parseResult.GetValue(zoo);
            if (modelPath is not null && zooName is not null)
                throw new InvalidSettingsException(["--model and --zoo both given; name one model."]);
            if (modelPath is not null)
            {
                var onnx = OnnxModel.Open(modelPath);
                Print(terminal, onnx.FileName, onnx.Layers);
            }
            else if (zooName is not null)
            {
                var zooModel = ModelZoo.Get(zooName);
                terminal.Out.WriteLine($"{zooModel.Name}: {zooModel.Description}");
                terminal.Out.WriteLine();
                terminal.Out.Write(ModelZoo.Describe(zooModel).ToText());
            }
            else
            {
                terminal.Out.WriteLine("Name a model with --model M.onnx, or a built-in one with --zoo NAME:");
                foreach (var builtIn in ModelZoo.All) terminal.Out.WriteLine($"  {builtIn.Name,-20} {builtIn.Description}");
            }
            return 0;
        });
        return command;
    }

    private static void Print(CliTerminal terminal, string modelName, OnnxLayerTable table)
    {
        var console = terminal.Console;
        console.WriteLine($"Model {modelName}");
        var io = new Table().Border(TableBorder.Simple).AddColumns("", "name", "type", "shape");
        foreach (var input in table.Inputs) io.AddRow("input", Markup.Escape(input.Name), input.TypeText, Markup.Escape(input.IsTensor ? OnnxDimension.Format(input.Shape) : "—"));
        foreach (var output in table.Outputs) io.AddRow("output", Markup.Escape(output.Name), output.TypeText, Markup.Escape(output.IsTensor ? OnnxDimension.Format(output.Shape) : "—"));
        console.Write(io);

        var nodes = new Table().Border(TableBorder.Simple).AddColumns("scope", "node", "op", "output tensor", "type", "shape");
        foreach (var group in table.Nodes.GroupBy(n => n.Scope))
        {
            bool firstInScope = true;
            foreach (var node in group)
            {
                var scope = firstInScope ? Markup.Escape(group.Key.Length == 0 ? "(top level)" : group.Key) : "";
                firstInScope = false;
                if (node.Outputs.Count == 0) nodes.AddRow(scope, Markup.Escape(node.Name), Markup.Escape(node.OpType), "", "", "");
                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    var output = node.Outputs[i];
                    nodes.AddRow(i == 0 ? scope : "", i == 0 ? Markup.Escape(node.Name) : "", i == 0 ? Markup.Escape(node.OpType) : "",
                        Markup.Escape(output.Name), output.TypeText, Markup.Escape(output.IsTensor ? OnnxDimension.Format(output.Shape) : "—"));
                }
            }
        }
        console.Write(nodes);

        if (table.Scopes.Count > 0)
        {
            var scopes = new Table().Border(TableBorder.Simple).AddColumns("module scope", "nodes", "output (what --layer SCOPE captures)");
            foreach (var scope in table.Scopes)
            {
                var output = scope.Output is { } name ? $"{name}  {table.FindTensor(name)?.Describe()}"
                    : scope.LeavingTensors.Count == 0 ? "(nothing leaves it)" : "ambiguous: " + string.Join(", ", scope.LeavingTensors);
                scopes.AddRow(Markup.Escape(scope.Path), scope.Nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(output));
            }
            console.Write(scopes);
        }
        if (table.Nodes.SelectMany(n => n.Outputs).Any(o => o.ShapeSource == OnnxShapeSource.DryRun))
            console.WriteLine("Shapes the model does not declare come from a dry run on zero batches of 2 and 3 rows.");
        if (table.DryRunProblem is not null)
            console.WriteLine($"Some shapes are unknown: {table.DryRunProblem}");
    }
}
