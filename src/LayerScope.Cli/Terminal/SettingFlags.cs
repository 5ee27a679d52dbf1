namespace LayerScope.Cli.Terminal;

/// <summary>
/// The one place where the library's setting names become this tool's flags. Core's errors name settings
/// (<c>InspectOptions.Layer</c>, the <c>StagedDirectory</c> target), because a library user never typed a flag;
/// <see cref="ErrorPresenter"/> rewrites them here for the person at the command line.
/// </summary>
public static class SettingFlags
{
    /// <summary>Each setting phrase as Core writes it, and what the command line calls it. Longer phrases first, so a
    /// phrase that contains another is translated whole.</summary>
    public static IReadOnlyList<(string Setting, string Flag)> Pairs { get; } =
    [
        ("an OnnxCaptureOptions.Inputs source with InputName ", "--input FILE --input-name "),
        ("OnnxModel.Layers lists them all", "`layerscope layers --model MODEL` lists them all"),
        ("OnnxInputSource.InputName", "--input-name"),
        ("target folder (StagedDirectory target)", "--out"),
        ("a folder (DataDirectory setting)", "--data DIR"),
        ("choose it (DataDirectory setting)", "pass --data DIR"),
        ("the DataDirectory setting", "--data"),
        ("TensorBoardExportOptions.OutputDirectory", "--out"),
        ("TensorBoardExportOptions.RunDirectory", "RUN_DIR"),
        ("InspectOptions.Layer", "--layer"),
        ("InspectOptions.BatchSize", "--batch"),
        ("InspectOptions.Method", "--method"),
        ("OnnxCaptureOptions.BatchSize", "--batch"),
        ("OnnxGradientOptions.Inputs", "--input"),
        ("OnnxGradientOptions.OutputPath", "--out"),
        ("OnnxGradientOptions.BatchSize", "--batch"),
        ("OnnxGradientOptions.Unit", "--unit"),
        ("OnnxGradientOptions.Wrt", "--wrt"),
        ("OnnxGradientOptions.Of", "--of"),
        ("ExplainOptions.ModelPath", "--model"),
        ("ExplainOptions.ZooName", "--zoo"),
        ("ExplainOptions.WeightsPath", "--weights"),
        ("ExplainOptions.RandomWeights", "--random-weights"),
        ("ExplainOptions.Method", "--method"),
        ("ExplainOptions.Steps", "--steps"),
        ("ExplainOptions.Target", "--target"),
        ("ExplainOptions.Embedding", "--embedding"),
        ("ExplainOptions.WordsPath", "--words"),
        ("ExplainOptions.PaddingToken", "--padding-token"),
        ("ExplainOptions.InputPath", "--input"),
        ("ExplainOptions.OutputDirectory", "--out"),
        ("ExplainOptions.Baseline", "--baseline"),
        ("ExplainOptions.UnitLayer", "--unit-layer"),
        ("ExplainOptions.UnitChannel", "--unit-channel"),
        ("ExplainOptions.QualityExamples", "--quality-examples"),
        ("IntegratedGradientsOptions.Baseline is Blurred", "--baseline blurred"),
        ("IntegratedGradientsOptions.Baseline is PaddingToken", "--baseline padding-token"),
        ("set ExplainedModel.Embedding", "pass --embedding"),
        ("UnitOptions.Layer", "--unit-layer"),
        ("ViewerServerOptions.Port", "--port"),
        ("ViewerServerOptions.Host", "--host"),
        ("ViewerServerOptions.CacheBytes", "--cache-mb"),
        ("UnitsOptions.SynthesisSteps", "--synthesis-steps"),
        ("UnitsOptions.TopK", "--top"),
        ("UnitsOptions.Layer", "--layer"),
        ("OnnxUnitScanOptions.Layer", "--layer"),
    ];

    /// <summary><paramref name="message"/> with every setting phrase replaced by its flag.</summary>
    public static string Translate(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (setting, flag) in Pairs) message = message.Replace(setting, flag, StringComparison.Ordinal);
        return message;
    }
}
