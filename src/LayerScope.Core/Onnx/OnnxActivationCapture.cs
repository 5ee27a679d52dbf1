using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using LayerScope.Errors;
using LayerScope.Onnx.Proto;
using LayerScope.Progress;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using Microsoft.ML.OnnxRuntime;

namespace LayerScope.Onnx;

/// <summary>
/// Runs an ONNX model with ONNX Runtime and records the values it computes for chosen tensors. Inputs are read in
/// batches and every batch's values are appended to files at once, so the number of rows is bounded by disk, not
/// memory. The values are exactly ONNX Runtime's: tensors are exposed as extra graph outputs of an in-memory copy.
/// </summary>
public static class OnnxActivationCapture
{
    /// <summary>Captures <see cref="OnnxCaptureOptions.Layers"/> for every input row.</summary>
    /// <returns>One entry per layer, with its shape (batch axis first) and, when no output path was given, its values.</returns>
    /// <exception cref="InvalidSettingsException">Invalid options, or inputs that do not match the model's.</exception>
    /// <exception cref="UnknownOnnxLayerException">A layer name matches nothing.</exception>
    /// <exception cref="DataFormatException">An input file's element type or shape differs from the model input's.</exception>
    public static OnnxCaptureResult Run(OnnxModel model, OnnxCaptureOptions options, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var stopwatch = Stopwatch.StartNew();
        var references = options.Layers.Select(model.Layers.Resolve).ToList();
        var tensors = references.Select(r => r.TensorName).Distinct(StringComparer.Ordinal).ToList();

        using var inputs = OnnxInputBinding.Bind(model, options.Inputs);
        var inputNames = inputs.Inputs.Select(i => i.Input.Name).ToHashSet(StringComparer.Ordinal);
        var computed = tensors.Where(t => !inputNames.Contains(t)).ToList();
        using var session = model.CreateSession(computed, options.IntraOpThreads);
        using var runner = new BatchRunner(session, inputs, computed);

        string step = $"capture {model.FileName}";
        progress?.Report(new StepProgress(step, 0, inputs.Rows));
        var axes = FindBatchAxes(runner, inputs, tensors);
        int batch = inputs.FixedBatch ?? (int)Math.Min(options.BatchSize, Math.Max(1, inputs.Rows));
        var keys = UniqueKeys(options.Layers);

        // Beside the output, like every other temporary: a killed capture leaves nothing in the system temp folder,
        // and the next write into the output's folder removes what it left. A capture kept in memory stages its
        // parts in the temp folder, named the same way, so the next such capture removes what a killed one left.
        var partsTarget = options.OutputPath ?? Path.Combine(Path.GetTempPath(), "capture");
        var parts = Directory.CreateDirectory(OutputTemporaries.Beside(partsTarget, OutputTemporaries.StagingKind));
        OutputTemporaries.CleanStale(Path.GetDirectoryName(parts.FullName)!);
        var writers = tensors.ToDictionary(t => t, t => new CapturedTensorWriter(t, Path.Combine(parts.FullName, $"{tensors.IndexOf(t)}.npy"), axes[t].Axis, axes[t].PerRow), StringComparer.Ordinal);
        try
        {
            for (long start = 0; start < inputs.Rows; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = (int)Math.Min(batch, inputs.Rows - start);
                runner.Run(start, count, inputs.FixedBatch ?? count, (name, type, shape, data) => writers.GetValueOrDefault(name)?.Append(type, shape, data, count));
                long done = start + count;
                double seconds = stopwatch.Elapsed.TotalSeconds;
                progress?.Report(new StepProgress(step, done, inputs.Rows, string.Create(CultureInfo.InvariantCulture, $"{done / Math.Max(seconds, 1e-9):0} rows/s")));
            }
            if (inputs.Rows == 0)
                throw new InvalidSettingsException([$"{inputs.Inputs[0].Rows.SourceName}: no rows to capture."]);
            foreach (var writer in writers.Values) writer.Complete();

            var layers = references.Select((r, i) =>
            {
                var writer = writers[r.TensorName];
                return new OnnxCapturedLayer(options.Layers[i], r, keys[i], writer.ElementType!.Value, writer.Shape, writer.BatchAxis,
                    options.OutputPath is null ? NpyReader.Read(writer.Path) : null);
            }).ToList();
            if (options.OutputPath is not null)
                Publish(options.OutputPath, layers.Select(l => (l.Key, writers[l.Reference.TensorName].Path)).ToList());
            stopwatch.Stop();
            return new OnnxCaptureResult(layers, inputs.Rows, stopwatch.Elapsed, options.OutputPath is null ? null : Path.GetFullPath(options.OutputPath));
        }
        finally
        {
            foreach (var writer in writers.Values) writer.Dispose();
            try { parts.Delete(recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>The NPZ key of each layer: the name without leading slashes, '/' and ':' as '_', made unique.</summary>
    public static IReadOnlyList<string> UniqueKeys(IReadOnlyList<string> layers)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        return layers.Select(layer =>
        {
            var key = new string(layer.Trim().TrimStart('/').Select(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_').ToArray());
            if (key.Length == 0) key = "layer";
            var unique = key;
            for (int n = 2; !used.Add(unique); n++) unique = $"{key}_{n}";
            return unique;
        }).ToList();
    }

    /// <summary>
    /// Where each tensor's batch axis is: the model runs on the first 2 and first 3 rows and the first axis whose
    /// size changes is it. With fewer rows, or a model that fixes its batch size, it is axis 0.
    /// </summary>
    private static Dictionary<string, (int Axis, int PerRow)> FindBatchAxes(BatchRunner runner, OnnxInputBinding inputs, List<string> tensors)
    {
        var axes = new Dictionary<string, (int Axis, int PerRow)>(StringComparer.Ordinal);
        if (inputs.FixedBatch is int fixedBatch)
        {
            // The batch cannot be varied to see which axis grows with it, so a tensor is accepted only when its first
            // axis is the fixed batch; anything else (a transpose, a flatten over rows, a reduction) would be cut apart
            // or mixed across inputs.
            var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
            runner.Run(0, (int)Math.Min(fixedBatch, Math.Max(1, inputs.Rows)), fixedBatch, (name, _, shape, _) => shapes[name] = shape);
            foreach (var t in tensors)
            {
                if (shapes[t].Length == 0 || shapes[t][0] != fixedBatch)
                    throw new LayerScopeException($"Tensor '{t}' has shape {OnnxInputBinding.FormatShape(shapes[t])} while the model's batch is fixed at "
                        + $"{fixedBatch} rows: its first axis is not the batch, so LayerScope cannot tell which entries belong to which input row. "
                        + "Capture a tensor whose first axis is the batch, or export the model with a dynamic batch axis.");
                axes[t] = (0, 1);
            }
            return axes;
        }
        if (inputs.Rows < 2)
        {
            // One row: nothing to compare with, so only tensors that visibly carry it on axis 0 are accepted.
            var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
            runner.Run(0, 1, 1, (name, _, shape, _) => shapes[name] = shape);
            foreach (var t in tensors)
            {
                if (shapes[t].Length == 0 || shapes[t][0] != 1)
                    throw new LayerScopeException($"Tensor '{t}' has shape {OnnxInputBinding.FormatShape(shapes[t])} for one input row: its first axis "
                        + "is not the row, and with a single row LayerScope cannot tell which axis is. Give at least 2 rows.");
                axes[t] = (0, 1);
            }
            return axes;
        }
        // Two runs with different row counts: the axis whose length changes is the batch axis, and it must grow by a
        // fixed number of entries per row.
        int fewer = inputs.Rows >= 3 ? 2 : 1, more = fewer + 1;
        var small = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var large = new Dictionary<string, long[]>(StringComparer.Ordinal);
        runner.Run(0, fewer, fewer, (name, _, shape, _) => small[name] = shape);
        runner.Run(0, more, more, (name, _, shape, _) => large[name] = shape);
        foreach (var t in tensors)
        {
            int axis = OnnxDryRun.BatchAxis(small[t], large[t]);
            if (axis < 0)
                throw new LayerScopeException($"Tensor '{t}' has shape {OnnxInputBinding.FormatShape(large[t])} whatever the number of rows: "
                    + "it does not depend on the batch (a constant, a weight, a shape or a reduction over all rows), so there is nothing to capture per row.");
            long perRow = large[t][axis] - small[t][axis];
            if (small[t][axis] != fewer * perRow || (axis > 0 && perRow != 1))
                throw new LayerScopeException($"Tensor '{t}' has {small[t][axis]} then {large[t][axis]} entries on axis {axis} for {fewer} then {more} rows; "
                    + "LayerScope can only stack tensors whose batch axis grows by a fixed number of entries per row.");
            axes[t] = (axis, (int)perRow);
        }
        return axes;
    }

    /// <summary>Moves finished parts to the output: an .npy is renamed into place; an .npz is zipped from the parts
    /// (stored, not compressed) through <see cref="AtomicFile"/>.</summary>
    private static void Publish(string outputPath, List<(string Key, string PartPath)> parts)
    {
        var full = Path.GetFullPath(outputPath);
        if (Path.GetExtension(full).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            AtomicFile.Write(full, stream =>
            {
                using var part = File.OpenRead(parts[0].PartPath);
                part.CopyTo(stream);
            });
            return;
        }
        AtomicFile.Write(full, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (key, partPath) in parts)
            {
                var entry = zip.CreateEntry(key + ".npy", CompressionLevel.NoCompression);
                using var entryStream = entry.Open();
                using var part = File.OpenRead(partPath);
                part.CopyTo(entryStream);
            }
        });
    }

    /// <summary>Runs one batch and hands every requested tensor to a callback, graph inputs included.</summary>
    private sealed class BatchRunner(InferenceSession session, OnnxInputBinding inputs, List<string> computed) : IDisposable
    {
        public delegate void TensorHandler(string name, TensorElementType type, long[] shape, Array data);

        private readonly RunOptions _runOptions = new();

        public void Dispose() => _runOptions.Dispose();

        public void Run(long start, int count, int capacity, TensorHandler handle)
        {
            var names = new List<string>(inputs.Inputs.Count);
            var values = new List<OrtValue>(inputs.Inputs.Count);
            try
            {
                foreach (var input in inputs.Inputs)
                {
                    var (data, shape) = input.Read(start, count, capacity);
                    names.Add(input.Input.Name);
                    values.Add(OrtTensors.FromArray(data, shape));
                    handle(input.Input.Name, input.FeedType, shape, data);
                }
                if (computed.Count == 0) return;
                using var outputs = session.Run(_runOptions, names, values, computed);
                int i = 0;
                foreach (var output in outputs)
                {
                    var name = computed[i++];
                    if (!output.IsTensor) throw new LayerScopeException($"'{name}' is not a tensor (a sequence or map); LayerScope captures tensors.");
                    handle(name, OrtTensors.ElementType(output), OrtTensors.Shape(output), OrtTensors.ToArray(output));
                }
            }
            catch (OnnxRuntimeException error)
            {
                throw new LayerScopeException($"ONNX Runtime failed on rows {start}-{start + count - 1}: {error.Message}", error);
            }
            finally
            {
                foreach (var value in values) value.Dispose();
            }
        }
    }
}
