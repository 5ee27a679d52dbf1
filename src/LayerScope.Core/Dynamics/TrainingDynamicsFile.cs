using System.Text.Json;
using LayerScope.Errors;
using LayerScope.Runs;
using LayerScope.Storage;

namespace LayerScope.Dynamics;

/// <summary>
/// <c>dynamics.json</c>: a <see cref="TrainingDynamics"/> in the run's JSON settings (<see cref="RunJson"/>), written
/// beside a run so that <c>export-tensorboard</c> and the report can use it later. The reader checks what a plot or an
/// export relies on and names the field it finds wrong.
/// </summary>
public static class TrainingDynamicsFile
{
    /// <summary>The file's name inside a network's folder of a run.</summary>
    public const string FileName = "dynamics.json";

    /// <summary>Writes <paramref name="dynamics"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, TrainingDynamics dynamics)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(dynamics, RunJson.Compact));
    }

    /// <summary>Reads and checks a dynamics file.</summary>
    /// <exception cref="DataFormatException">The file is missing, not JSON of this shape, or inconsistent.</exception>
    public static TrainingDynamics Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file", "a training dynamics file (dynamics.json)", "no such file");
        TrainingDynamics? dynamics;
        try
        {
            using var stream = File.OpenRead(path);
            dynamics = JsonSerializer.Deserialize<TrainingDynamics>(stream, RunJson.Options);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, string.IsNullOrEmpty(e.Path) ? "JSON" : e.Path, "training dynamics as LayerScope writes them", e.Message);
        }
        if (dynamics is null) throw new DataFormatException(path, "JSON", "an object", "null");
        Check(path, dynamics);
        return dynamics;
    }

    private static void Check(string path, TrainingDynamics dynamics)
    {
        int checkpoints = dynamics.Checkpoints?.Count ?? throw new DataFormatException(path, "checkpoints", "a list", "null");
        for (int i = 1; i < checkpoints; i++)
        {
            if (dynamics.Checkpoints[i].Epoch <= dynamics.Checkpoints[i - 1].Epoch)
                throw new DataFormatException(path, $"checkpoints[{i}].epoch", $"an epoch after {dynamics.Checkpoints[i - 1].Epoch}", $"{dynamics.Checkpoints[i].Epoch}");
        }
        var known = dynamics.Checkpoints.Select(c => c.Epoch).ToHashSet();
        if (dynamics.Layers is null) throw new DataFormatException(path, "layers", "a list", "null");
        for (int l = 0; l < dynamics.Layers.Count; l++)
        {
            var layer = dynamics.Layers[l];
            string field = $"layers[{l}]";
            if (string.IsNullOrEmpty(layer.Name)) throw new DataFormatException(path, $"{field}.name", "a module name", "nothing");
            CheckLength(path, $"{field}.gradientNorms", layer.GradientNorms, checkpoints);
            CheckLength(path, $"{field}.updateRatios", layer.UpdateRatios, checkpoints);
            for (int s = 0; s < layer.Histograms.Count; s++)
            {
                var series = layer.Histograms[s];
                string sf = $"{field}.histograms[{s}]";
                if (series.Epochs.Count != series.Histograms.Count)
                    throw new DataFormatException(path, $"{sf}.histograms", $"{series.Epochs.Count} histograms, one per epoch listed", $"{series.Histograms.Count}");
                for (int h = 0; h < series.Histograms.Count; h++)
                {
                    var histogram = series.Histograms[h];
                    if (!known.Contains(series.Epochs[h]))
                        throw new DataFormatException(path, $"{sf}.epochs[{h}]", "an epoch of the checkpoints", $"{series.Epochs[h]}");
                    if (!(histogram.BinWidth > 0) || histogram.BinWidth != series.BinWidth)
                        throw new DataFormatException(path, $"{sf}.histograms[{h}].binWidth", $"the series' positive bin width {series.BinWidth}", $"{histogram.BinWidth}");
                    if (histogram.Counts.Any(c => c < 0) || histogram.Counts.Sum() != histogram.Count)
                        throw new DataFormatException(path, $"{sf}.histograms[{h}].counts", $"non-negative counts summing to count ({histogram.Count})", $"a sum of {histogram.Counts.Sum()}");
                }
            }
        }
    }

    private static void CheckLength(string path, string field, IReadOnlyList<double>? values, int checkpoints)
    {
        if (values is null) throw new DataFormatException(path, field, "a list", "null");
        if (values.Count != checkpoints) throw new DataFormatException(path, field, $"{checkpoints} values, one per checkpoint", $"{values.Count}");
    }
}
