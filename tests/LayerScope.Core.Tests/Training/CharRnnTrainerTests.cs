using LayerScope.Models.Zoo;
using LayerScope.Text;
using LayerScope.Training;
using TorchSharp;

namespace LayerScope.Tests.Training;

public class CharRnnTrainerTests
{
    [Fact]
    public void A_short_run_on_a_small_corpus_lowers_the_loss()
    {
        var text = string.Concat(Enumerable.Repeat("if (x) { say(\"hi\"); }\n", 60));
        var vocabulary = CharVocabulary.FromText(text);
        torch.manual_seed(7);
        using var model = new CharRnn(vocabulary.Size, hiddenSize: 32, layers: 2);
        var encoded = vocabulary.Encode(text);
        double before = CharRnnTrainer.Evaluate(model, encoded);

        var steps = CharRnnTrainer.Fit(model, encoded, new CharRnnTrainingOptions { Steps = 60, BatchSize = 8, SequenceLength = 32, LearningRate = 0.01 });

        double after = CharRnnTrainer.Evaluate(model, encoded);
        Assert.Equal(60, steps.Count);
        Assert.True(after < 0.5 * before, $"loss {before:0.000} before, {after:0.000} after 60 steps");
        Assert.True(steps.TakeLast(5).Average(s => s.Loss) < steps.Take(5).Average(s => s.Loss));
    }

    [Fact]
    public void Invalid_settings_are_all_named()
    {
        var error = Assert.Throws<LayerScope.Errors.InvalidSettingsException>(() => new CharRnnTrainingOptions { Steps = 0, SequenceLength = 1 }.Validate());
        Assert.Contains(error.Problems, p => p.Contains("Steps", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("SequenceLength", StringComparison.Ordinal));
    }
}
