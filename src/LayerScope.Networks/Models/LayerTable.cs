using System.Globalization;
using System.Text;
using LayerScope.Capture;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>
/// A model's layers with their types, output shapes, parameter counts and settings. Output shapes come from a dry
/// run on a one-example batch with a hook on every layer.
/// </summary>
public sealed class LayerTable
{
    private LayerTable(IReadOnlyList<LayerInfo> layers) => Layers = layers;

    /// <summary>Every named submodule, in registration order.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>Trainable values in the whole model.</summary>
    public long TotalParameters => Layers.Sum(layer => layer.ParameterCount);

    /// <summary>Describes <paramref name="model"/>, running it once on <paramref name="sampleInput"/> (a batch) to learn
    /// each layer's output shape.</summary>
    public static LayerTable Describe(nn.Module<Tensor, Tensor> model, Tensor sampleInput)
    {
        var named = LayerSelector.NamedLayers(model);
        var shapes = OutputShapes(model, sampleInput, named);
        var rows = named.Select(pair => new LayerInfo(
            pair.Name,
            pair.Module.GetType().Name,
            shapes.TryGetValue(pair.Name, out var shape) ? shape : null,
            pair.Module.named_parameters(recurse: false).Sum(p => p.parameter.numel()),
            LayerConfig.Of(pair.Module))).ToList();
        return new LayerTable(rows);
    }

    /// <summary>The table as fixed-width text, like Keras' summary.</summary>
    public string ToText()
    {
        var header = new[] { "Layer", "Type", "Output shape", "Params", "Config" };
        var rows = Layers.Select(l => new[] { l.Name, l.Type, l.OutputShapeText, l.ParameterCount.ToString("N0", CultureInfo.InvariantCulture), l.ConfigText }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => Math.Max(header[c].Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        Line(header);
        text.AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var row in rows) Line(row);
        text.AppendLine(CultureInfo.InvariantCulture, $"Total parameters: {TotalParameters:N0}");
        return text.ToString();
    }

    private static Dictionary<string, long[]> OutputShapes(nn.Module<Tensor, Tensor> model, Tensor sampleInput, IReadOnlyList<(string Name, nn.Module Module)> named)
    {
        var capturable = named.Where(pair => pair.Module is nn.Module<Tensor, Tensor> or LSTM or nn.Module<Tensor, Tensor?, (Tensor, Tensor)>)
            .Select(pair => pair.Name).ToList();
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (capturable.Count == 0) return shapes;
        // Containers (Sequential) and layers skipped by the model's forward simply do not fire: record what did.
        var captures = capturable.Select(name => ActivationCapture.Attach(model, [name])).ToList();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad()) model.call(sampleInput);
        }
        finally
        {
            model.train(wasTraining);
            foreach (var capture in captures) capture.Dispose();
        }
        foreach (var capture in captures)
        {
            var array = capture.Collect()[capture.Layers[0]];
            if (array.Values.Length > 0 || array.Shape.Length > 1) shapes[capture.Layers[0]] = array.Shape[1..];
        }
        return shapes;
    }
}
