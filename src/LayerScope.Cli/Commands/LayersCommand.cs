using System.CommandLine;
using LayerScope.Cli.Terminal;
using LayerScope.Onnx;
using Spectre.Console;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope layers --model M.onnx</c>: inputs, outputs and every node grouped by module scope.</summary>
internal static class LayersCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string>("--model") { Description = "The ONNX model file.", Required = true };
        var command = new Command("layers", "List an ONNX model's inputs, outputs and nodes grouped by module scope, with "
            + "output tensor names and shapes: every name `capture --layer` accepts.");
        command.Options.Add(model);
        command.SetAction(parseResult =>
        {
            var onnx = OnnxModel.Open(parseResult.GetValue(model)!);
            Print(terminal, onnx.FileName, onnx.Layers);
            return 0;
        });
        return command;
    }

    private static void Print(CliTerminal terminal, string modelName, OnnxLayerTable table)
    {
        var console = terminal.Console;
        console.WriteLine($"Model {modelName}");
        var io = new Table().Border(TableBorder.Simple).AddColumns("", "name", "type", "shape");
        foreach (var input in table.Inputs) io.AddRow("input", Markup.Escape(input.Name), OnnxElementTypes.Name(input.ElementType), Markup.Escape(OnnxDimension.Format(input.Shape)));
        foreach (var output in table.Outputs) io.AddRow("output", Markup.Escape(output.Name), OnnxElementTypes.Name(output.ElementType), Markup.Escape(OnnxDimension.Format(output.Shape)));
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
                        Markup.Escape(output.Name), OnnxElementTypes.Name(output.ElementType), Markup.Escape(OnnxDimension.Format(output.Shape)));
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
