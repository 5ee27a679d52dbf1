using LayerScope.Interpretation;

namespace LayerScope.Cli.Demos;

/// <summary>The character-RNN demo's outcome.</summary>
/// <param name="Corpus">What was trained on ("LayerScope's own C# source (123 files)" or the file name).</param>
/// <param name="CorpusCharacters">Characters in the whole text.</param>
/// <param name="Steps">Every training step's loss.</param>
/// <param name="HeldOutLoss">Mean next-character cross-entropy on the held-out text, nats per character.</param>
/// <param name="Samples">Generated text, one per temperature.</param>
/// <param name="Cells">The best cells per context feature, over the captured passage.</param>
/// <param name="OutputDirectory">Where everything was written.</param>
public sealed record CharRnnDemoResult(
    string Corpus,
    int CorpusCharacters,
    IReadOnlyList<LanguageModelStep> Steps,
    double HeldOutLoss,
    IReadOnlyList<GeneratedSample> Samples,
    IReadOnlyList<FeatureCells> Cells,
    string OutputDirectory)
{
    /// <summary>Histograms, gradient norms and unit activity over training (also in the run).</summary>
    public TrainingDynamics? Dynamics { get; init; }

    /// <summary>The TensorBoard export, when one was asked for.</summary>
    public TensorBoardExportResult? TensorBoard { get; init; }

    /// <summary>The HTML report.</summary>
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
}
