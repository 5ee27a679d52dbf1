namespace LayerScope.Training;

/// <summary>Loss and accuracy after one epoch, on the training and the test set.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy);
