using System.Diagnostics;
using System.Globalization;
using LayerScope.Errors;
using LayerScope.Gradients;
using LayerScope.Onnx.Proto;
using LayerScope.Progress;
using LayerScope.Storage.Npy;
using static TorchSharp.torch;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// For every input row, the gradient of a named tensor (its entries summed, or one unit of its last axis) with
/// respect to the model's floating-point input, the embedding lookup of token ids, or any named tensor, computed by
/// autograd on the TorchSharp executor. Rows are read and written in batches, so memory is bounded by the batch.
/// Rows of a batch do not interact in an inference-mode model, so the gradient of the batch's sum is, row by row,
/// the gradient of each row's own value.
/// </summary>
public static class OnnxGradients
{
    /// <summary>Differentiates <see cref="OnnxGradientOptions.Of"/> at every row of <see cref="OnnxGradientOptions.Inputs"/>
    /// and writes the gradients to <see cref="OnnxGradientOptions.OutputPath"/> (complete or not at all).</summary>
    /// <exception cref="InvalidSettingsException">Invalid options, or a choice of tensors whose gradient cannot be written per row.</exception>
    /// <exception cref="UnknownOnnxLayerException">A tensor name matches nothing; the message lists near matches.</exception>
    /// <exception cref="DataFormatException">The input file's element type or shape differs from the model input's.</exception>
    public static OnnxGradientResult Run(OnnxTorchModel model, OnnxGradientOptions options, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var stopwatch = Stopwatch.StartNew();
        var file = model.Source.FileName;
        var of = model.Layers.Resolve(options.Of);
        var (wrt, kind) = ChooseSource(model, options.Wrt);
        if (!OnnxGraphReach.DependentsOf(model.Source.Graph, wrt.TensorName).Contains(of.TensorName))
            throw new InvalidSettingsException([$"{file}: OnnxGradientOptions.Of '{options.Of}' ({of.TensorName}) is not computed from "
                + $"'{wrt.Requested}' ({wrt.TensorName}), so every gradient would be zero; name a tensor computed after it."]);

        using var inputs = OnnxInputBinding.Bind(model.Source, options.Inputs);
        if (inputs.Rows == 0) throw new InvalidSettingsException([$"{inputs.Inputs[0].Rows.SourceName}: no rows to differentiate at."]);
        var selector = options.Unit is { } unit ? GradientSelector.Unit(unit) : GradientSelector.Sum;
        var layout = Probe(model, inputs, of, wrt, options.Unit);
        int batch = inputs.FixedBatch ?? (int)Math.Min(options.BatchSize, inputs.Rows);
        bool float64 = model.FloatType == ScalarType.Float64;

        string step = $"gradient {file}";
        progress?.Report(new StepProgress(step, 0, inputs.Rows));
        using var writer = new NpyAppendWriter(options.OutputPath, float64 ? NpyElementType.Float64 : NpyElementType.Float32, layout.WrtPerRow);
        for (long start = 0; start < inputs.Rows; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(batch, inputs.Rows - start);
            using (NewDisposeScope())
            {
                var feed = Feed(inputs, start, count, inputs.FixedBatch ?? count);
                var gradient = model.InputGradient(feed, of.TensorName, selector, wrt.TensorName);
                var perRow = gradient.movedim([layout.WrtBatchAxis], [0]).narrow(0, 0, count).contiguous();
                if (float64) writer.Append<double>(perRow.data<double>().ToArray());
                else writer.Append<float>(perRow.data<float>().ToArray());
            }
            long done = start + count;
            progress?.Report(new StepProgress(step, done, inputs.Rows,
                string.Create(CultureInfo.InvariantCulture, $"{done / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9):0} rows/s")));
        }
        writer.Complete();
        stopwatch.Stop();
        return new OnnxGradientResult(of, wrt, kind, options.Unit, [inputs.Rows, .. layout.WrtPerRow], float64 ? "float64" : "float32",
            Path.GetFullPath(options.OutputPath), stopwatch.Elapsed);
    }

    /// <summary>The named tensor; else the one floating-point input; else, with no floating-point input, the one
    /// embedding lookup of the token ids.</summary>
    private static (OnnxLayerReference, OnnxGradientSource) ChooseSource(OnnxTorchModel model, string? named)
    {
        if (named is not null)
        {
            var reference = model.Layers.Resolve(named);
            return (reference, model.Inputs.Any(i => i.Name == reference.TensorName) ? OnnxGradientSource.Input : OnnxGradientSource.NamedTensor);
        }
        var file = model.Source.FileName;
        var floats = model.Inputs.Where(i => i.ElementType is TensorElementType.Float or TensorElementType.Double
            or TensorElementType.Float16 or TensorElementType.BFloat16).ToList();
        if (floats.Count == 1) return (new OnnxLayerReference(floats[0].Name, floats[0].Name, OnnxLayerKind.Tensor), OnnxGradientSource.Input);
        if (floats.Count > 1)
            throw new InvalidSettingsException([$"{file}: the model has {floats.Count} floating-point inputs ({string.Join(", ", floats.Select(i => i.Name))}); "
                + "name the one to differentiate with respect to in OnnxGradientOptions.Wrt."]);
        var lookup = OnnxEmbeddingLookup.Find(model, "OnnxGradientOptions.Wrt");
        return (new OnnxLayerReference(lookup, lookup, OnnxLayerKind.Tensor), OnnxGradientSource.EmbeddingLookup);
    }

    /// <summary>Where the rows are in the two tensors and what one row of the source looks like.</summary>
    private sealed record Layout(int WrtBatchAxis, long[] WrtPerRow);

    /// <summary>
    /// Runs the model without gradients on 1 and 2 rows (the first row, padded with zero rows; the batch the model
    /// fixes, if any) and finds the axis of each tensor that grows with the rows. The gradient is written row by row,
    /// so the source must carry one entry per row on that axis; the target must depend on the rows at all (a
    /// reduction over the batch mixes them), and its last axis must not be the rows when a unit is taken from it.
    /// </summary>
    private static Layout Probe(OnnxTorchModel model, OnnxInputBinding inputs, OnnxLayerReference of, OnnxLayerReference wrt, long? unit)
    {
        var file = model.Source.FileName;
        int? fixedBatch = inputs.FixedBatch;
        var request = new ForwardRequest([of.TensorName, wrt.TensorName], Gradients: false);
        (long[] Of, long[] Wrt, bool OfFloat, bool WrtFloat) RunOn(int capacity)
        {
            using var scope = NewDisposeScope();
            using var forward = model.Forward(Feed(inputs, 0, 1, capacity), request);
            Tensor target = forward[of.TensorName], source = forward[wrt.TensorName];
            return (target.shape, source.shape, target.is_floating_point(), source.is_floating_point());
        }
        var problems = new List<string>();
        int small = fixedBatch ?? 1;
        var one = RunOn(small);
        if (!one.WrtFloat)
            problems.Add($"{file}: '{wrt.Requested}' ({wrt.TensorName}) holds integers, which have no gradient; "
                + "set OnnxGradientOptions.Wrt to a floating-point tensor (for token ids, the embedding lookup's output).");
        if (!one.OfFloat)
            problems.Add($"{file}: OnnxGradientOptions.Of '{of.Requested}' ({of.TensorName}) holds integers, which have no gradient; name a floating-point tensor.");
        InvalidSettingsException.ThrowIfAny(problems);

        int ofAxis, wrtAxis;
        if (fixedBatch is not null)
        {
            // The batch cannot be varied to see which axis follows it, so the rows must visibly lead.
            ofAxis = one.Of.Length > 0 && one.Of[0] == small ? 0 : -1;
            wrtAxis = one.Wrt.Length > 0 && one.Wrt[0] == small ? 0 : -1;
        }
        else
        {
            var two = RunOn(2);
            ofAxis = RowAxis(one.Of, two.Of);
            wrtAxis = RowAxis(one.Wrt, two.Wrt);
        }
        if (wrtAxis < 0)
            problems.Add($"{file}: '{wrt.Requested}' ({wrt.TensorName}) has shape {Arrays.Shapes.Format(one.Wrt)} with no axis of one entry per input row, "
                + "so its gradient cannot be written row by row; set OnnxGradientOptions.Wrt to a tensor whose batch axis holds the rows.");
        if (ofAxis < 0)
            problems.Add($"{file}: OnnxGradientOptions.Of '{of.Requested}' ({of.TensorName}) has shape {Arrays.Shapes.Format(one.Of)} with no axis of one entry per "
                + "input row (a constant, or a reduction over the rows), so its gradient cannot be split by row; name a tensor computed per row.");
        if (unit is { } k && ofAxis >= 0)
        {
            if (one.Of.Length == 0 || ofAxis == one.Of.Length - 1)
                problems.Add($"{file}: OnnxGradientOptions.Unit {k}: the last axis of '{of.Requested}' {Arrays.Shapes.Format(one.Of)} is the rows, not units; leave Unit unset.");
            else if (k >= one.Of[^1])
                problems.Add($"{file}: OnnxGradientOptions.Unit is {k}; '{of.Requested}' has {one.Of[^1]} units on its last axis (0 to {one.Of[^1] - 1}).");
        }
        InvalidSettingsException.ThrowIfAny(problems);
        return new Layout(wrtAxis, [.. one.Wrt.Where((_, axis) => axis != wrtAxis)]);
    }

    /// <summary>The axis that holds one entry per row: the one axis whose length goes from 1 to 2 as the rows do.</summary>
    private static int RowAxis(long[] oneRow, long[] twoRows)
    {
        int axis = OnnxDryRun.BatchAxis(oneRow, twoRows);
        bool othersEqual = oneRow.Where((_, a) => a != axis).SequenceEqual(twoRows.Where((_, a) => a != axis));
        return axis >= 0 && oneRow[axis] == 1 && twoRows[axis] == 2 && othersEqual ? axis : -1;
    }

    /// <summary>Rows [start, start + count) of every input, each as a tensor of <paramref name="capacity"/> rows.</summary>
    private static Dictionary<string, Tensor> Feed(OnnxInputBinding inputs, long start, int count, int capacity) =>
        inputs.Inputs.ToDictionary(rows => rows.Input.Name, rows => Feed(rows, start, count, capacity), StringComparer.Ordinal);

    /// <summary>Rows [start, start + count) as a tensor of <paramref name="capacity"/> rows (the rest zero).</summary>
    private static Tensor Feed(BoundInput rows, long start, int count, int capacity)
    {
        var (data, shape) = rows.Read(start, count, capacity);
        return data switch
        {
            float[] f => tensor(f, shape),
            double[] d => tensor(d, shape),
            long[] l => tensor(l, shape),
            int[] i => tensor(i, shape),
            _ => throw new DataFormatException(rows.Rows.SourceName, $"model input '{rows.Input.Name}'", "float32, float64, int64 or int32 values", data.GetType().Name),
        };
    }
}
