using LayerScope.Dynamics;
using LayerScope.Runs;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Demos;

/// <summary>What every training demo run with --tensorboard must leave: its dynamics named in run.json, and per
/// network an event file that the independent reader accepts (both CRCs, the protos) holding the per-epoch loss and,
/// for every recorded histogram series, one histogram per epoch counting as many values as the run's dynamics say.</summary>
internal static class DemoTensorBoardFiles
{
    /// <summary>Checks the run in <paramref name="runFolder"/> and its log folder <paramref name="tensorBoard"/>, whose
    /// training ran <paramref name="epochs"/> epochs (null: any number, at least one); returns each network's events.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(long Step, EventValue Value)>> Check(string runFolder, string tensorBoard, int? epochs)
    {
        var manifest = RunManifestReader.Read(runFolder);
        Assert.NotEmpty(manifest.Dynamics);
        var result = new Dictionary<string, IReadOnlyList<(long, EventValue)>>();
        foreach (var entry in manifest.Dynamics)
        {
            var dynamics = TrainingDynamicsFile.Read(Path.Combine(runFolder, entry.File));
            int count = epochs ?? Math.Max(1, dynamics.Checkpoints.Count);
            Assert.Equal(Enumerable.Range(1, count), dynamics.Checkpoints.Select(c => c.Epoch));
            var file = Assert.Single(Directory.GetFiles(Path.Combine(tensorBoard, RunManifest.ToArrayName(entry.Network)), "events.out.tfevents.*"));
            var values = TensorBoardEventReader.Read(file).SelectMany(e => e.Values.Select(v => (e.Step, v))).ToList();
            Assert.Equal(Enumerable.Range(1, count).Select(e => (long)e), values.Where(x => x.v.Tag == "loss/train").Select(x => x.Step));
            Assert.Equal(dynamics.Checkpoints.Select(c => (float)c.TrainLoss), values.Where(x => x.v.Tag == "loss/train").Select(x => x.v.Scalar!.Value));
            int series = 0;
            foreach (var layer in dynamics.Layers)
            {
                foreach (var s in layer.Histograms)
                {
                    string tag = $"{layer.Name}/{LayerScope.Workflows.TensorBoard.TensorBoardExport.Tag(s.Kind)}";
                    var written = values.Where(x => x.v.Tag == tag).ToList();
                    Assert.Equal(s.Epochs.Select(e => (long)e), written.Select(x => x.Step));
                    Assert.Equal(s.Histograms.Select(h => (double)h.Count), written.Select(x => x.v.Histogram!.Num));
                    series++;
                }
            }
            Assert.Contains(dynamics.Layers, l => l.Series(HistogramKind.Weights) is { } w && w.Histograms.All(h => h.Count > 0));
            Assert.Contains(dynamics.Layers, l => l.Series(HistogramKind.Activations) is { } a && a.Histograms.All(h => h.Count > 0));
            Assert.True(series > 0);
            result[entry.Network] = values;
        }
        return result;
    }
}
