using LayerScope.Arrays;
using System.Globalization;
using LayerScope.Errors;
using LayerScope.Onnx.Proto;
using LayerScope.Storage.Npy;

namespace LayerScope.Onnx;

/// <summary>
/// The model's inputs matched to the given sources and checked: every input fed once, element types equal (or
/// widened without loss: int32 to int64, float32 to float64), the axes the model fixes equal, and the same number of
/// rows everywhere. Messages name the expected and the given.
/// </summary>
internal sealed class OnnxInputBinding : IDisposable
{
    private OnnxInputBinding(IReadOnlyList<BoundInput> inputs, long rows, int? fixedBatch)
    {
        Inputs = inputs;
        Rows = rows;
        FixedBatch = fixedBatch;
    }

    public IReadOnlyList<BoundInput> Inputs { get; }

    /// <summary>Rows in every source.</summary>
    public long Rows { get; }

    /// <summary>The batch size the model fixes (its inputs' axis 0 is a number, not a symbol), or null.</summary>
    public int? FixedBatch { get; }

    public static OnnxInputBinding Bind(OnnxModel model, IReadOnlyList<OnnxInputSource> sources)
    {
        var modelInputs = model.Inputs;
        string Listing() => string.Join(", ", modelInputs.Select(i => $"{i.Name} ({i.Describe()})"));
        var problems = new List<string>();
        var chosen = new List<(OnnxTensorInfo Input, OnnxInputSource Source)>();
        foreach (var source in sources)
        {
            if (source.InputName is null)
            {
                if (modelInputs.Count == 1 && sources.Count == 1) chosen.Add((modelInputs[0], source));
                else problems.Add($"{source.SourceName}: the model has {modelInputs.Count} inputs ({Listing()}); name the one this file feeds (OnnxInputSource.InputName).");
                continue;
            }
            var match = modelInputs.FirstOrDefault(i => i.Name == source.InputName);
            if (match is null) problems.Add($"input name '{source.InputName}': the model has no such input; its inputs are {Listing()}.");
            else chosen.Add((match, source));
        }
        foreach (var group in chosen.GroupBy(c => c.Input.Name).Where(g => g.Count() > 1))
            problems.Add($"input '{group.Key}' is fed by {group.Count()} sources; give one.");
        if (problems.Count == 0)
            foreach (var missing in modelInputs.Where(i => chosen.All(c => c.Input.Name != i.Name)))
                problems.Add($"model input '{missing.Name}' ({missing.Describe()}) is not fed; add an OnnxCaptureOptions.Inputs source with InputName {missing.Name}.");
        InvalidSettingsException.ThrowIfAny(problems);

        var bound = new List<BoundInput>();
        try
        {
            foreach (var (input, source) in chosen)
            {
                var rows = source.Open();
                bound.Add(new BoundInput(input, rows, FeedType(input, rows)));
                CheckShape(input, rows);
            }
            var counts = bound.Select(b => b.Rows.Rows).Distinct().ToList();
            if (counts.Count > 1)
                throw new InvalidSettingsException([
                    "inputs have different numbers of rows: " + string.Join(", ", bound.Select(b => $"{b.Rows.SourceName} {b.Rows.Rows}")) + "."]);
            var fixedBatches = bound.Select(b => b.Input.Shape is { Count: > 0 } s ? s[0].Size : null).Where(s => s is > 0).Distinct().ToList();
            return new OnnxInputBinding(bound, counts[0], fixedBatches.Count == 0 ? null : checked((int)fixedBatches[0]!.Value));
        }
        catch
        {
            foreach (var b in bound) b.Rows.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var input in Inputs) input.Rows.Dispose();
    }

    private static TensorElementType FeedType(OnnxTensorInfo input, IRowSource rows)
    {
        var expected = input.ElementType;
        var given = rows.ElementType;
        bool ok = (expected, given) switch
        {
            (TensorElementType.Undefined, _) => true,
            (TensorElementType.Float, NpyElementType.Float32) => true,
            (TensorElementType.Double, NpyElementType.Float64 or NpyElementType.Float32) => true,
            (TensorElementType.Int64, NpyElementType.Int64 or NpyElementType.Int32) => true,
            (TensorElementType.Int32, NpyElementType.Int32) => true,
            _ => false,
        };
        if (!ok || given is not (NpyElementType.Float32 or NpyElementType.Float64 or NpyElementType.Int64 or NpyElementType.Int32))
            throw new DataFormatException(rows.SourceName, $"model input '{input.Name}'", input.Describe(),
                $"{OnnxElementTypes.Name(given)} {FormatShape(rows.Shape)}"
                + (expected == TensorElementType.Float && given == NpyElementType.Float64 ? " (convert with x.astype(numpy.float32))" : ""));
        return expected != TensorElementType.Undefined ? expected : given switch
        {
            NpyElementType.Float32 => TensorElementType.Float,
            NpyElementType.Float64 => TensorElementType.Double,
            NpyElementType.Int32 => TensorElementType.Int32,
            _ => TensorElementType.Int64,
        };
    }

    private static void CheckShape(OnnxTensorInfo input, IRowSource rows)
    {
        if (input.Shape is null) return;
        var given = rows.Shape;
        bool ok = given.Length == input.Shape.Count
            && input.Shape.Select((d, axis) => axis == 0 || d.Size is null or <= 0 || d.Size == given[axis]).All(x => x);
        if (!ok)
            throw new DataFormatException(rows.SourceName, $"model input '{input.Name}'", input.Describe(),
                $"{OnnxElementTypes.Name(rows.ElementType)} {FormatShape(given)}");
    }

    internal static string FormatShape(IEnumerable<long> shape) =>
        Shapes.Format(shape);
}

/// <summary>A model input, its source, and the element type fed to ONNX Runtime.</summary>
internal sealed record BoundInput(OnnxTensorInfo Input, IRowSource Rows, TensorElementType FeedType)
{
    /// <summary>Rows [start, start + count) as a tensor of <paramref name="capacity"/> rows (padding rows are zero).</summary>
    public (Array Data, long[] Shape) Read(long start, int count, int capacity)
    {
        var data = Rows.ReadRows(start, count, capacity);
        data = (FeedType, data) switch
        {
            (TensorElementType.Int64, int[] ints) => Array.ConvertAll(ints, v => (long)v),
            (TensorElementType.Double, float[] floats) => Array.ConvertAll(floats, v => (double)v),
            _ => data,
        };
        return (data, [capacity, .. Rows.Shape.Skip(1)]);
    }
}
