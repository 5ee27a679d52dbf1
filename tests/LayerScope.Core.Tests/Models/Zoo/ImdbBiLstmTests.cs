using System.Diagnostics;
using LayerScope.Capture;
using LayerScope.Data.Loaders;
using LayerScope.Data.Reviews;
using LayerScope.Models;
using LayerScope.Models.Zoo;
using LayerScope.Testing;
using LayerScope.Text;
using LayerScope.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LayerScope.Tests.Models.Zoo;

public class ImdbBiLstmTests(ITestOutputHelper output)
{
    [Fact]
    public void The_zoo_model_takes_word_indices_and_its_bilstm_layer_gives_128_features_per_review()
    {
        var table = ModelZoo.Describe(ModelZoo.Get("imdb-bilstm"));

        Assert.Equal(["embedding", "bilstm", "dropout", "dense", "sigmoid", "bilstm.lstm"], table.Layers.Select(l => l.Name));
        Assert.Equal([100L, 128], table.Layers[0].OutputShape);
        Assert.Equal([128L], table.Layers[1].OutputShape);
        Assert.Equal(20_000 * 128, table.Layers[0].ParameterCount);
        Assert.Contains("bidirectional=True", table.Layers[5].ConfigText);
        Assert.Contains("units=64", table.Layers[5].ConfigText);

        torch.manual_seed(3);
        using var model = new ImdbBiLstm(vocabulary: 50, embeddingSize: 8, units: 5);
        using var scope = torch.NewDisposeScope();
        var captured = ActivationCapture.Run(model, randint(0, 50, [7, 12], dtype: ScalarType.Int64), [ImdbBiLstm.FeatureLayer]);
        Assert.Equal([7L, 10], captured[ImdbBiLstm.FeatureLayer].Shape);
    }

    [Fact]
    public void The_network_starts_from_keras_default_initialisers_not_pytorchs()
    {
        torch.manual_seed(5);
        using var model = new ImdbBiLstm(vocabulary: 2000, embeddingSize: 128, units: 64);
        var p = model.named_parameters().ToDictionary(n => n.name, n => n.parameter.detach());

        // Embedding U(-0.05, 0.05) (PyTorch: N(0, 1), whose largest of 256,000 values is about 4.5).
        Assert.True(p["embedding.weight"].abs().max().item<float>() <= 0.05f);
        Assert.InRange(p["embedding.weight"].std().item<float>(), 0.027, 0.031); // 0.1 / sqrt(12)
        foreach (var suffix in new[] { "", "_reverse" })
        {
            var recurrent = p["bilstm.lstm.weight_hh_l0" + suffix];
            var gram = recurrent.t().matmul(recurrent);
            Assert.True(gram.allclose(eye(64), rtol: 0, atol: 1e-5), "W_hh has orthonormal columns (Keras' orthogonal recurrent kernel)");
            double glorot = Math.Sqrt(6.0 / (128 + 4 * 64));
            Assert.True(p["bilstm.lstm.weight_ih_l0" + suffix].abs().max().item<float>() <= glorot);
            var bias = (p["bilstm.lstm.bias_ih_l0" + suffix] + p["bilstm.lstm.bias_hh_l0" + suffix]).data<float>().ToArray();
            Assert.Equal(Enumerable.Repeat(1f, 64), bias[64..128]); // unit_forget_bias
            Assert.All(bias[..64].Concat(bias[128..]), b => Assert.Equal(0f, b));
        }
        Assert.True(p["dense.weight"].abs().max().item<float>() <= Math.Sqrt(6.0 / (128 + 1)));
        Assert.Equal(0f, p["dense.bias"].item<float>());
    }

    [Theory]
    [InlineData(128, 64, 100, 8, false)]
    [InlineData(4, 6, 1, 1, false)]
    [InlineData(12, 7, 23, 5, true)]
    public void Float32_bilstm_outputs_match_the_lstm_equations_in_float64_in_both_directions(int inputs, int units, int steps, int batch, bool transposedInput)
    {
        torch.manual_seed(inputs + units + steps);
        using var layer = new BidirectionalLstm(inputs, units);
        using var scope = torch.NewDisposeScope();
        var input = transposedInput ? randn(steps, batch, inputs).transpose(0, 1) : randn(batch, steps, inputs);
        var parameters = layer.Lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray());
        var x = input.to(ScalarType.Float64).contiguous().data<double>().ToArray();

        var forward = LstmEquations.Run(x, batch, steps, inputs, units, parameters, "", reverse: false);
        var backward = LstmEquations.Run(x, batch, steps, inputs, units, parameters, "_reverse", reverse: true);

        // With gradients (training) and without (capture): libtorch may pick different kernels for the two.
        foreach (var withGradients in new[] { true, false })
        {
            using var gradients = torch.set_grad_enabled(withGradients);
            var (sequence, _, _) = layer.Lstm.call(input);
            var all = sequence.detach().contiguous().data<float>().ToArray();
            var features = layer.call(input).detach().contiguous().data<float>().ToArray();
            double worst = 0;
            for (int n = 0; n < batch; n++)
                for (int t = 0; t < steps; t++)
                    for (int u = 0; u < units; u++)
                    {
                        worst = Math.Max(worst, Error(all[(n * steps + t) * 2 * units + u], forward[(n * steps + t) * units + u]));
                        worst = Math.Max(worst, Error(all[(n * steps + t) * 2 * units + units + u], backward[(n * steps + t) * units + u]));
                    }
            for (int n = 0; n < batch; n++)
                for (int u = 0; u < units; u++)
                {
                    worst = Math.Max(worst, Error(features[n * 2 * units + u], forward[(n * steps + steps - 1) * units + u]));
                    worst = Math.Max(worst, Error(features[n * 2 * units + units + u], backward[n * steps * units + u]));
                }
            output.WriteLine($"{inputs}→{units}, {steps} steps, batch {batch}, gradients {withGradients}: worst relative error {worst:E2}");
            Assert.True(worst <= 1e-5, $"float32 nn.LSTM differs from the equations by {worst:E2} (relative to max(|h|, 1))");
        }
    }

    // Not yet met. With a class-balanced shuffled subset (ReviewSampling) the best epoch's validation accuracy on this
    // 2-core machine was: vocabulary 5000, embedding 32, units 32, maxlen 200, Adam 0.005, 3 epochs: 0.620 (6 epochs:
    // 0.650); Adam 0.01, 6 epochs: 0.708 at epoch 6 only; maxlen 300, Adam 0.01, 5 epochs: 0.673; vocabulary 10000,
    // embedding 64, 6 epochs: 0.728 at epoch 6 only (0.68 at 4-5); 8 epochs, Adam 0.003: 0.688; vocabulary 3000,
    // embedding 32, units 16, maxlen 250, Adam 0.01, 8 epochs: 0.693. Training accuracy passes 0.95 by epoch 5: 1,600
    // reviews are too few for this network to generalise past ~0.69 reliably, so a passing run would be luck.
    [DataFact("imdb/aclImdb-labeled.tar.gz")]
    public void Training_on_2000_reviews_lifts_validation_accuracy_above_0_7()
    {
        var corpus = AclImdbLoader.LoadArchive(TestData.DataFile("imdb/aclImdb-labeled.tar.gz"));
        var split = ReviewSampling.HoldOut(ReviewSampling.Balanced(corpus.Train, 2000, seed: 7), 0.2, seed: 7);
        var vocabulary = WordVocabulary.Build(split.Train.Select(r => r.Text), new WordVocabularyOptions { MaxFeatures = 5000 });
        int maxLength = 200;
        var train = ReviewTensors.Encode(split.Train, vocabulary, maxLength);
        var validation = ReviewTensors.Encode(split.Validation, vocabulary, maxLength);
        int epochs = 3;

        torch.manual_seed(7);
        using var model = new ImdbBiLstm(vocabulary.Size, embeddingSize: 32, units: 32);
        var watch = Stopwatch.StartNew();
        var reports = Trainer.Fit(model, train, validation,
            new TrainingOptions { Epochs = epochs, BatchSize = 32, LearningRate = 0.005, Seed = 7, Objective = ClassificationObjective.Binary });
        foreach (var report in reports)
            output.WriteLine($"epoch {report.Epoch}: train loss {report.TrainLoss:0.000} accuracy {report.TrainAccuracy:0.000}, validation loss {report.TestLoss:0.000} accuracy {report.TestAccuracy:0.000}");
        output.WriteLine($"training took {watch.Elapsed.TotalSeconds:0.0} s ({epochs * train.Count / watch.Elapsed.TotalSeconds:0} reviews/s with evaluation)");

        Assert.True(reports.Max(r => r.TestAccuracy) > 0.7, $"best validation accuracy {reports.Max(r => r.TestAccuracy):0.000}");
    }

    private static double Error(double actual, double expected) => Math.Abs(actual - expected) / Math.Max(1, Math.Abs(expected));

    /// <summary>PyTorch's LSTM equations in float64 (torch.nn.LSTM documentation): gates i, f, g, o from
    /// x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, c_t = f c_{t-1} + i g, h_t = o tanh(c_t), zero initial state; the
    /// reverse direction reads t = T-1 down to 0.</summary>
    private static class LstmEquations
    {
        public static double[] Run(double[] x, int batch, int steps, int inputs, int units, Dictionary<string, double[]> p, string suffix, bool reverse)
        {
            double[] wih = p["weight_ih_l0" + suffix], whh = p["weight_hh_l0" + suffix], bih = p["bias_ih_l0" + suffix], bhh = p["bias_hh_l0" + suffix];
            var hidden = new double[batch * steps * units];
            var gates = new double[4 * units];
            for (int n = 0; n < batch; n++)
            {
                var h = new double[units];
                var c = new double[units];
                for (int k = 0; k < steps; k++)
                {
                    int t = reverse ? steps - 1 - k : k;
                    for (int g = 0; g < 4 * units; g++)
                    {
                        double sum = bih[g] + bhh[g];
                        for (int i = 0; i < inputs; i++) sum += wih[g * inputs + i] * x[(n * steps + t) * inputs + i];
                        for (int j = 0; j < units; j++) sum += whh[g * units + j] * h[j];
                        gates[g] = sum;
                    }
                    for (int u = 0; u < units; u++)
                    {
                        double i = Sigmoid(gates[u]), f = Sigmoid(gates[units + u]), g = Math.Tanh(gates[2 * units + u]), o = Sigmoid(gates[3 * units + u]);
                        c[u] = f * c[u] + i * g;
                        h[u] = o * Math.Tanh(c[u]);
                        hidden[(n * steps + t) * units + u] = h[u];
                    }
                }
            }
            return hidden;
        }

        private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
    }
}
