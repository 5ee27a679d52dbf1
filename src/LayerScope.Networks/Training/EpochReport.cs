using System.Text.Json.Serialization;

namespace LayerScope.Training;

/// <summary>Loss and accuracy after one epoch, on the training and the test (or validation) set. Serialized with
/// camelCase names: this record is the epoch-history entry of every workflow's metrics.json.</summary>
public sealed record EpochReport(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("trainLoss")] double TrainLoss,
    [property: JsonPropertyName("trainAccuracy")] double TrainAccuracy,
    [property: JsonPropertyName("testLoss")] double TestLoss,
    [property: JsonPropertyName("testAccuracy")] double TestAccuracy);
