using LayerScope.Data.Loaders;
using LayerScope.Models;
using LayerScope.Models.Zoo;
using LayerScope.Testing;
using LayerScope.Training;
using TorchSharp;

namespace LayerScope.Tests.Models.Zoo;

public class FashionCnnTests
{
    [Fact]
    public void The_zoo_cnn_has_named_conv_pool_and_dense_children_and_10_logits()
    {
        var layers = ModelZoo.Describe(ModelZoo.Get("fashion-cnn"));

        Assert.Equal(["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2"], layers.Layers.Select(l => l.Name));
        Assert.Equal([10L], layers.Layers[^1].OutputShape);
        Assert.Equal([64L, 7, 7], layers.Layers.Single(l => l.Name == "pool2").OutputShape);
    }

    [DataFact("fashion-mnist/train-images-idx3-ubyte.gz")]
    public void One_short_epoch_on_2000_images_lifts_test_accuracy_well_above_chance()
    {
        var all = FashionMnistLoader.Load(TestData.DataFile("fashion-mnist/train-images-idx3-ubyte.gz"), TestData.DataFile("fashion-mnist/train-labels-idx1-ubyte.gz"));
        var train = all.Take(2000);
        var testImages = new LayerScope.Data.Images.LabeledImages(all.Pixels[(59000 * 784)..], 1000, 28, 28, all.Labels[59000..], all.ClassNames, all.Source);
        torch.manual_seed(1);
        using var model = new FashionCnn();
        var test = LabeledTensors.FromArrays(testImages.Pixels, [1, 28, 28], testImages.Labels);
        var before = Trainer.Evaluate(model, test, ClassificationObjective.Multiclass).Accuracy;

        var epochs = Trainer.Fit(model, LabeledTensors.FromArrays(train.Pixels, [1, 28, 28], train.Labels), test,
            new TrainingOptions { Epochs = 1, BatchSize = 64, LearningRate = 2e-3, Objective = ClassificationObjective.Multiclass });

        Assert.InRange(before, 0, 0.25);
        Assert.True(epochs[^1].TestAccuracy > 0.6, $"test accuracy {epochs[^1].TestAccuracy:0.000} after one epoch");
    }
}
