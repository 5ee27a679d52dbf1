using LayerScope.Dynamics;
using static TorchSharp.torch;

namespace LayerScope.Training.Dynamics;

/// <summary>One optimisation step as a trainer reports it to its observer.</summary>
/// <param name="Epoch">1-based epoch the step belongs to.</param>
/// <param name="Step">1-based step over the whole training.</param>
/// <param name="LastOfEpoch">Whether this is the epoch's last step (where per-epoch gradients are taken).</param>
/// <param name="Loss">The batch loss (a scalar tensor, valid during the call only).</param>
public readonly record struct TrainingStep(int Epoch, long Step, bool LastOfEpoch, Tensor Loss);

/// <summary>
/// Watches a training run from inside the trainer: <see cref="Trainer"/>, <see cref="SequenceTrainer"/> and
/// <see cref="CharRnnTrainer"/> all take one. The calls come in this order: <see cref="Started"/> once, then per
/// step <see cref="BeforeUpdate"/> (gradients computed, before clipping and the optimiser step) and
/// <see cref="AfterUpdate"/> (weights changed), after every epoch <see cref="TestPass"/> around each forward pass of
/// the test evaluation (trainers that evaluate a test set) and then <see cref="EpochCompleted"/> with the model in
/// evaluation mode. An observer must not change the model or its gradients.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Training of <paramref name="model"/> begins.</summary>
    void Started(nn.Module model);

    /// <summary>The gradients of <paramref name="step"/> are ready; the weights are still those the step started from.</summary>
    void BeforeUpdate(TrainingStep step);

    /// <summary>The optimiser has applied <paramref name="step"/>.</summary>
    void AfterUpdate(TrainingStep step);

    /// <summary>Runs <paramref name="pass"/>, one forward pass of the trainer's after-epoch evaluation of the test set
    /// (evaluation mode, no gradients; one call per batch, in the order of the test set), and returns its output. A
    /// recorder whose probe batch is the test set (<see cref="TrainingDynamicsOptions.ProbeTestSet"/>) captures layer
    /// outputs here, so that it need not run the model on the same examples a second time.</summary>
    Tensor TestPass(Func<Tensor> pass) => pass();

    /// <summary><see cref="TestPass"/> as <see cref="SequenceTrainer"/> calls it: <paramref name="pass"/> classifies
    /// one test batch and shows the delegate it is given (null: none) the outputs of the recurrent layers the model
    /// runs on the packed batch (<see cref="Models.ISequenceClassifier.Classify(Tensor, Tensor, Action{string, Tensor})"/>),
    /// which forward hooks do not see.</summary>
    Tensor SequenceTestPass(Func<Action<string, Tensor>?, Tensor> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return TestPass(() => pass(null));
    }

    /// <summary>An epoch ended and was evaluated.</summary>
    void EpochCompleted(DynamicsCheckpoint checkpoint);
}
