namespace LayerScope.Dynamics;

/// <summary>Where training stood after one epoch: what a trainer tells its <c>ITrainingObserver</c>, and the x axis of
/// every dynamics plot.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Optimisation steps taken so far.</param>
/// <param name="TrainLoss">The loss on the training set (a language model: the mean loss of the epoch's steps).</param>
/// <param name="TrainAccuracy">Accuracy on the training set; null where the trainer does not measure one.</param>
/// <param name="HeldOutLoss">The loss on the held-out (test or validation) set; null where there is none.</param>
/// <param name="HeldOutAccuracy">Accuracy on the held-out set; null where there is none.</param>
/// <param name="LearningRate">The optimiser's learning rate during the epoch.</param>
public sealed record DynamicsCheckpoint(int Epoch, long Step, double TrainLoss, double? TrainAccuracy, double? HeldOutLoss,
    double? HeldOutAccuracy, double LearningRate);

/// <summary>Scalars of one optimisation step, recorded every <c>StepInterval</c> steps.</summary>
/// <param name="Step">1-based step over the whole training.</param>
/// <param name="Loss">The batch loss before the update.</param>
/// <param name="GradientNorm">The L2 norm of every parameter's gradient together, before any clipping.</param>
/// <param name="LearningRate">The optimiser's learning rate.</param>
public sealed record StepScalars(long Step, double Loss, double GradientNorm, double LearningRate);
