using LayerScope.Models.Zoo;
using LayerScope.Training;
using TorchSharp;

namespace LayerScope.Tests.Training;

public class TrainerTests
{
    /// <summary>Two overlapping Gaussian blobs in 4-D, labels 0 and 1, from a fixed seed.</summary>
    private static (LabeledTensors Train, LabeledTensors Test) Blobs()
    {
        var random = new Random(5);
        (float[] X, int[] Y) Make(int n)
        {
            var x = new float[n * 4];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = i % 2;
                for (int f = 0; f < 4; f++)
                    x[i * 4 + f] = (float)(y[i] * 1.0 + Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
            return (x, y);
        }
        var (trainX, trainY) = Make(200);
        var (testX, testY) = Make(120);
        return (LabeledTensors.FromArrays(trainX, [4], trainY), LabeledTensors.FromArrays(testX, [4], testY));
    }

    private static (IReadOnlyList<EpochReport> Epochs, double FinalAccuracy) Train(bool restoreBest)
    {
        var (train, test) = Blobs();
        torch.manual_seed(3);
        using var model = new BanknoteMlp([8, 2], inputs: 4);
        // A large step makes held-out accuracy wander from epoch to epoch, so the last epoch is not the best.
        var epochs = Trainer.Fit(model, train, test, new TrainingOptions { Epochs = 12, BatchSize = 8, LearningRate = 0.3, Seed = 3, RestoreBestEpoch = restoreBest });
        return (epochs, Trainer.Evaluate(model, test, ClassificationObjective.Binary).Accuracy);
    }

    [Fact]
    public void Restoring_the_best_epoch_leaves_the_model_at_the_best_held_out_accuracy()
    {
        var (plain, plainFinal) = Train(restoreBest: false);
        Assert.True(plainFinal < plain.Max(e => e.TestAccuracy), "precondition: without restoring, the last epoch must not be the best one");

        var (epochs, final) = Train(restoreBest: true);

        Assert.Equal(plain.Select(e => e.TestAccuracy), epochs.Select(e => e.TestAccuracy));
        Assert.Equal(epochs.Max(e => e.TestAccuracy), final, 10);
    }
}
