using System.Globalization;
using System.Text.Json;
using LayerScope.Dynamics;
using LayerScope.Errors;
using LayerScope.Progress;
using LayerScope.Rendering.Images;
using LayerScope.Runs;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using LayerScope.TensorBoard;

namespace LayerScope.Workflows.TensorBoard;

/// <summary>
/// Turns a LayerScope run into a TensorBoard log folder: one TensorBoard run per network with a dynamics.json (scalars
/// per epoch: loss, accuracy, learning rate, gradient norms, update ratios, dead units; histograms of every layer's
/// weights, biases, gradients and activations; the sampled step scalars) and a <c>projector</c> run holding the
/// embedding projector's files for every activation array and embedding of run.json, with the run's columns as
/// metadata and a sprite for image inputs. Epoch-level events use the epoch as TensorBoard's step.
/// </summary>
public static class TensorBoardExport
{
    /// <summary>The folder of the projector's TensorBoard run.</summary>
    public const string ProjectorRun = "projector";

    /// <summary>The marker a previous export leaves, which allows the next to replace the folder.</summary>
    public const string MarkerFile = "layerscope-tensorboard.json";

    public static TensorBoardExportResult Run(TensorBoardExportOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var manifest = RunManifestReader.Read(options.RunDirectory);
        var runFolder = Path.GetFullPath(options.RunDirectory);
        var wallTime = options.WallTime ?? DateTimeOffset.UtcNow;
        // The manifest names its dynamics; runs written before it did keep theirs beside it, found by name.
        var dynamicsFiles = manifest.Dynamics.Count > 0
            ? manifest.Dynamics.Select((d, i) => RunPaths.Resolve(runFolder, d.File, Path.Combine(runFolder, RunManifest.FileName), $"dynamics[{i}].file")).ToList()
            : Directory.EnumerateFiles(runFolder, TrainingDynamicsFile.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        using var output = StagedDirectory.Create(options.OutputDirectory, MarkerFile);
        var eventFiles = new List<string>();
        var networks = new List<string>();
        int done = 0, total = dynamicsFiles.Count + (options.Projector ? 1 : 0);
        foreach (var file in dynamicsFiles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dynamics = TrainingDynamicsFile.Read(file);
            string name = UniqueName(networks, RunManifest.ToArrayName(dynamics.Network));
            networks.Add(name);
            using var events = DynamicsEvents(dynamics, wallTime);
            eventFiles.Add(Path.GetRelativePath(output.Path, events.Save(Path.Combine(output.Path, name))));
            progress?.Report(new StepProgress("export tensorboard", ++done, total, name));
        }

        int tensors = 0;
        bool sprite = false;
        if (options.Projector)
        {
            (tensors, sprite) = WriteProjector(manifest, runFolder, Path.Combine(output.Path, ProjectorRun), cancellationToken);
            if (tensors > 0)
            {
                // TensorBoard lists a run only when its folder holds an event file.
                using var events = new EventFileWriter(wallTime);
                eventFiles.Add(Path.GetRelativePath(output.Path, events.Save(Path.Combine(output.Path, ProjectorRun))));
            }
            progress?.Report(new StepProgress("export tensorboard", ++done, total, "projector"));
        }
        if (eventFiles.Count == 0)
            throw new DataFormatException(Path.Combine(runFolder, RunManifest.FileName), "activations, embeddings and dynamics.json",
                "something TensorBoard can show", "no dynamics file, activation or embedding");

        AtomicFile.WriteAllText(output.File(MarkerFile), JsonSerializer.Serialize(new { source = runFolder, eventFiles, networks, projectorTensors = tensors, sprite }, RunJson.Options));
        output.Commit();
        return new TensorBoardExportResult(output.Target, eventFiles, networks, tensors, sprite);
    }

    /// <summary>Exports the run in <paramref name="runDirectory"/> to <paramref name="outputDirectory"/> when one is given
    /// (a workflow's "also write TensorBoard files" setting); null otherwise.</summary>
    public static TensorBoardExportResult? RunIfAsked(string? outputDirectory, string runDirectory, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        outputDirectory is null ? null : Run(new TensorBoardExportOptions { RunDirectory = runDirectory, OutputDirectory = outputDirectory }, progress, cancellationToken);

    /// <summary>The events of one network's dynamics.</summary>
    public static EventFileWriter DynamicsEvents(TrainingDynamics dynamics, DateTimeOffset wallTime)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        var events = new EventFileWriter(wallTime);
        for (int c = 0; c < dynamics.Checkpoints.Count; c++)
        {
            var checkpoint = dynamics.Checkpoints[c];
            int epoch = checkpoint.Epoch;
            events.AddScalar("loss/train", epoch, checkpoint.TrainLoss);
            if (checkpoint.HeldOutLoss is { } heldOutLoss) events.AddScalar("loss/held_out", epoch, heldOutLoss);
            if (checkpoint.TrainAccuracy is { } trainAccuracy) events.AddScalar("accuracy/train", epoch, trainAccuracy);
            if (checkpoint.HeldOutAccuracy is { } heldOutAccuracy) events.AddScalar("accuracy/held_out", epoch, heldOutAccuracy);
            events.AddScalar("learning_rate", epoch, checkpoint.LearningRate);
            if (c < dynamics.GradientNorms.Count) events.AddScalar("gradient_norm/all", epoch, dynamics.GradientNorms[c]);
            foreach (var layer in dynamics.Layers)
            {
                if (c < layer.GradientNorms.Count) events.AddScalar($"gradient_norm/{layer.Name}", epoch, layer.GradientNorms[c]);
                if (c < layer.UpdateRatios.Count) events.AddScalar($"update_ratio/{layer.Name}", epoch, layer.UpdateRatios[c]);
                if (c < layer.UnitActivity.Count) events.AddScalar($"dead_units/{layer.Name}", epoch, layer.UnitActivity[c].Count(a => a == 0));
            }
        }
        foreach (var layer in dynamics.Layers)
        {
            foreach (var series in layer.Histograms)
            {
                for (int h = 0; h < series.Histograms.Count; h++)
                    events.AddHistogram($"{layer.Name}/{Tag(series.Kind)}", series.Epochs[h], series.Histograms[h]);
            }
        }
        foreach (var step in dynamics.Steps)
        {
            events.AddScalar("steps/loss", step.Step, step.Loss);
            events.AddScalar("steps/gradient_norm", step.Step, step.GradientNorm);
            events.AddScalar("steps/learning_rate", step.Step, step.LearningRate);
        }
        return events;
    }

    /// <summary>The tag suffix of a histogram kind ("weight_gradients").</summary>
    public static string Tag(HistogramKind kind) => kind switch
    {
        HistogramKind.Weights => "weights",
        HistogramKind.Biases => "biases",
        HistogramKind.WeightGradients => "weight_gradients",
        HistogramKind.BiasGradients => "bias_gradients",
        _ => "activations",
    };

    private static (int Tensors, bool Sprite) WriteProjector(RunManifest manifest, string runFolder, string folder, CancellationToken cancellationToken)
    {
        var tensors = new List<ProjectorTensor>();
        foreach (var a in manifest.Activations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tensors.Add(Tensor(manifest, runFolder, a.Array, a.Epoch is { } e ? $"{a.Layer} (epoch {e})" : a.Layer));
        }
        foreach (var e in manifest.Embeddings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tensors.Add(Tensor(manifest, runFolder, e.Array, $"{e.Layer} {e.Method}" + (e.Epoch is { } epoch ? $" (epoch {epoch})" : "")));
        }
        if (tensors.Count == 0) return (0, false);
        var metadata = Metadata(manifest, runFolder);
        var sprite = Sprite(manifest, runFolder);
        ProjectorFiles.Write(folder, tensors, metadata, sprite);
        return (tensors.Count, sprite is not null);
    }

    private static ProjectorTensor Tensor(RunManifest manifest, string runFolder, string arrayName, string name)
    {
        var values = ReadArray(manifest, runFolder, arrayName);
        int rows = manifest.Points;
        return new ProjectorTensor(name, values, rows, rows == 0 ? 0 : checked((int)(values.LongLength / rows)));
    }

    private static ProjectorMetadata? Metadata(RunManifest manifest, string runFolder)
    {
        var names = new List<string>();
        var cells = new List<string[]>();
        foreach (var column in manifest.Columns)
        {
            string[]? values = column.Kind switch
            {
                RunColumn.CategoryKind when column.Array is { } array => ReadArray(manifest, runFolder, array)
                    .Select(code => column.Categories is { } c && code >= 0 && code < c.Count && code == Math.Floor(code) ? c[(int)code] : code.ToString(CultureInfo.InvariantCulture)).ToArray(),
                RunColumn.NumberKind when column.Array is { } array => ReadArray(manifest, runFolder, array).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
                RunColumn.TextKind when column.File is { } file => JsonSerializer.Deserialize<string[]>(File.ReadAllText(RunPaths.Resolve(runFolder, file, RunManifest.FileName, $"columns.{column.Name}.file"))),
                _ => null,
            };
            if (values is null || values.Length != manifest.Points) continue;
            names.Add(column.Name);
            cells.Add(values);
        }
        if (names.Count == 0) return null;
        var rows = Enumerable.Range(0, manifest.Points).Select(i => (IReadOnlyList<string>)cells.Select(c => c[i]).ToArray()).ToList();
        return new ProjectorMetadata(names, rows);
    }

    private static ProjectorSprite? Sprite(RunManifest manifest, string runFolder)
    {
        if (manifest.Inputs is not { Kind: RunInputs.ImageKind, Array: { } array, Width: { } width, Height: { } height }) return null;
        var png = SpriteSheet.RenderPng(ReadArray(manifest, runFolder, array), manifest.Points, width, height);
        return png is null ? null : new ProjectorSprite(png, width, height);
    }

    private static float[] ReadArray(RunManifest manifest, string runFolder, string name)
    {
        var file = RunPaths.Resolve(runFolder, manifest.Arrays[name].File, RunManifest.FileName, $"arrays.{name}.file");
        return NpyReader.Read(file).ToFloat32();
    }

    private static string UniqueName(List<string> taken, string name)
    {
        string candidate = name;
        for (int i = 2; taken.Contains(candidate); i++) candidate = $"{name}-{i}";
        return candidate;
    }
}
