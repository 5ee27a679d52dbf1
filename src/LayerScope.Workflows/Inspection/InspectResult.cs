using LayerScope.Reduction.Quality;

namespace LayerScope.Workflows.Inspection;

/// <summary>What <see cref="OnnxInspection.Run"/> produced.</summary>
/// <param name="OutputDirectory">The folder with report.html, embedding.npy and inspect.json.</param>
/// <param name="TensorName">The ONNX tensor the layer name resolved to.</param>
/// <param name="Rows">Input rows, one point each.</param>
/// <param name="Features">Values per row in the layer (all trailing dimensions flattened).</param>
/// <param name="PcaExplainedVarianceRatio">Share of the variance each kept principal component explains.</param>
/// <param name="Quality">Trustworthiness, neighbour recall and (with labels) 10-NN label accuracy of the embedding.</param>
/// <param name="HasPredictions">Whether the model's output looked like class scores and was used to color by prediction.</param>
public sealed record InspectResult(
    string OutputDirectory,
    string TensorName,
    int Rows,
    int Features,
    IReadOnlyList<double> PcaExplainedVarianceRatio,
    QualityReport Quality,
    bool HasPredictions)
{
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
}
