using System.Text.Json.Serialization;

namespace LayerScope.Reduction.Quality;

/// <summary>How faithful an embedding is to its input.</summary>
/// <param name="Count">Points.</param>
/// <param name="K">Neighbours used.</param>
/// <param name="SampleSize">Points whose neighbourhoods were compared (all when <see cref="Subsampled"/> is false).</param>
/// <param name="Subsampled">True when the neighbour metrics are estimates from a random sample.</param>
/// <param name="Trustworthiness">Venna and Kaski's trustworthiness: 1 when no embedding neighbour is a stranger in the input.</param>
/// <param name="NeighborRecall">Mean share of each point's k input neighbours that are among its k embedding neighbours.</param>
/// <param name="KlDivergence">KL(P ‖ Q) of t-SNE with the options' perplexity, or null when not computed.</param>
/// <param name="LabelAccuracy">Share of points whose label is the majority label of their k embedding neighbours, or null without labels.</param>
/// <remarks>Serialized with camelCase names, as every metrics file writes its figures.</remarks>
public sealed record QualityReport(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("sampleSize")] int SampleSize,
    [property: JsonPropertyName("subsampled")] bool Subsampled,
    [property: JsonPropertyName("trustworthiness")] double Trustworthiness,
    [property: JsonPropertyName("neighborRecall")] double NeighborRecall,
    [property: JsonPropertyName("klDivergence")] double? KlDivergence,
    [property: JsonPropertyName("labelAccuracy")] double? LabelAccuracy);

/// <summary>k-NN label accuracy and the sample it was scored on (<see cref="EmbeddingQuality.ScoreKnnLabelAccuracy"/>).</summary>
/// <param name="Accuracy">Share of the scored points whose label is the majority label of their k nearest neighbours.</param>
/// <param name="K">Neighbours per point.</param>
/// <param name="SampleSize">Points scored (each against all points).</param>
/// <param name="Count">Points in the embedding.</param>
public sealed record SampledLabelAccuracy(double Accuracy, int K, int SampleSize, int Count)
{
    /// <summary>True when <see cref="Accuracy"/> is an estimate from a sample rather than every point.</summary>
    public bool Subsampled => SampleSize < Count;
}
