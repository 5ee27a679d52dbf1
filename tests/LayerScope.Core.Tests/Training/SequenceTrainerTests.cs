using LayerScope.Data;
using LayerScope.Models.Zoo;
using LayerScope.Training;
using TorchSharp;

namespace LayerScope.Tests.Training;

public class SequenceTrainerTests
{
    [Fact]
    public void A_short_training_run_lowers_the_loss_on_variable_length_sequences()
    {
        var train = Synthetic(90, seed: 1);
        var test = Synthetic(45, seed: 2);
        torch.manual_seed(7);
        using var model = new VowelsLstm(inputs: 3, hiddenUnits: 16, classes: 3);
        using var trainAll = SequenceBatch.PadAll(train);
        var (before, _) = SequenceTrainer.Evaluate(model, trainAll);

        var epochs = SequenceTrainer.Fit(model, train, test, new TrainingOptions { Epochs = 8, BatchSize = 15, LearningRate = 0.02, Seed = 3 });

        Assert.Equal(8, epochs.Count);
        Assert.True(epochs[^1].TrainLoss < before * 0.7, $"loss went from {before:0.000} to {epochs[^1].TrainLoss:0.000}");
        Assert.True(epochs[^1].TestAccuracy > 0.6, $"test accuracy {epochs[^1].TestAccuracy:0.000}");
        Assert.Equal(test.Count, SequenceTrainer.Predict(model, test).Length);
    }

    [Fact]
    public void Batches_hold_sequences_of_neighbouring_lengths_padded_to_their_longest()
    {
        var data = Synthetic(30, seed: 4);
        var batches = SequenceTrainer.LengthSortedBatches(data, 8, new Random(0));
        try
        {
            Assert.Equal([8, 8, 8, 6], batches.Select(b => (int)b.Count));
            var maxima = batches.Select(b => b.Lengths.max().item<long>()).ToList();
            Assert.Equal(maxima.Order(), maxima);
            Assert.All(batches, b => Assert.Equal(b.Lengths.max().item<long>(), b.Inputs.shape[1]));
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }

    /// <summary>Three classes of noisy sequences, 3 to 12 frames of 3 features; the class sets the mean of feature c.</summary>
    internal static LabeledSequences Synthetic(int count, int seed)
    {
        var random = new Random(seed);
        var sequences = new List<float[]>();
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            int length = random.Next(3, 13);
            var frames = new float[length * 3];
            for (int k = 0; k < frames.Length; k++) frames[k] = (float)(random.NextDouble() - 0.5) + (k % 3 == labels[i] ? 1f : 0f);
            sequences.Add(frames);
        }
        return new LabeledSequences(sequences, 3, labels, ["a", "b", "c"], ["0", "1", "2"], "synthetic");
    }
}
