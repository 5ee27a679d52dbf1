using LayerScope.Units;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// A small CNN for 28×28 grey images in 10 classes (Fashion-MNIST): conv 3×3 (32) → ReLU → max-pool 2 → conv 3×3 (64)
/// → ReLU → max-pool 2 → dense 128 (ReLU) → dense 10 (logits). The convolutions are padded by one pixel, so the maps are
/// 28×28, then 14×14, then 7×7 after the second pool.
/// </summary>
/// <remarks>Children are named conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc1, relu3, fc2 and each is invoked
/// with call(), so every one can be captured; <see cref="Geometry"/> gives the kernel/stride/padding/dilation chain
/// from the input to each spatial layer, for receptive fields.</remarks>
public sealed class FashionCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly ReLU relu1;
    private readonly MaxPool2d pool1;
    private readonly Conv2d conv2;
    private readonly ReLU relu2;
    private readonly MaxPool2d pool2;
    private readonly Flatten flatten;
    private readonly Linear fc1;
    private readonly ReLU relu3;
    private readonly Linear fc2;

    public FashionCnn(int channels1 = 32, int channels2 = 64, int hidden = 128, int classes = 10, int imageSize = 28) : base("fashion-cnn")
    {
        conv1 = nn.Conv2d(1, channels1, 3, padding: 1);
        relu1 = nn.ReLU();
        pool1 = nn.MaxPool2d(2);
        conv2 = nn.Conv2d(channels1, channels2, 3, padding: 1);
        relu2 = nn.ReLU();
        pool2 = nn.MaxPool2d(2);
        flatten = nn.Flatten();
        int side = imageSize / 4;
        fc1 = nn.Linear(channels2 * side * side, hidden);
        relu3 = nn.ReLU();
        fc2 = nn.Linear(hidden, classes);
        RegisterComponents();
    }

    /// <summary>The spatial layers from the input, each with the sliding-window geometry that produced it.</summary>
    public static IReadOnlyList<(string Layer, WindowGeometry Window)> Geometry { get; } =
    [
        ("conv1", new WindowGeometry(3, 1, 1)), ("relu1", WindowGeometry.Identity), ("pool1", new WindowGeometry(2, 2, 0)),
        ("conv2", new WindowGeometry(3, 1, 1)), ("relu2", WindowGeometry.Identity), ("pool2", new WindowGeometry(2, 2, 0)),
    ];

    /// <summary>The layer whose output <paramref name="layer"/> rectifies (relu1 → conv1, relu2 → conv2, relu3 → fc1), for
    /// <see cref="ActivationMaximizationOptions.PreActivationLayer"/>; null for a layer that is no ReLU.</summary>
    public static string? PreActivationOf(string layer) => layer switch
    {
        "relu1" => "conv1", "relu2" => "conv2", "relu3" => "fc1", _ => null,
    };

    /// <summary>The receptive-field chain of <paramref name="layer"/> (one of <see cref="Geometry"/>'s layers).</summary>
    public static IReadOnlyList<WindowGeometry> GeometryUpTo(string layer)
    {
        var index = Geometry.ToList().FindIndex(g => g.Layer == layer);
        if (index < 0) throw new Errors.LayerScopeException($"'{layer}' is not a spatial layer of the CNN; spatial layers: {string.Join(", ", Geometry.Select(g => g.Layer))}.");
        return Geometry.Take(index + 1).Select(g => g.Window).ToList();
    }

    /// <summary>Class scores (logits) [N, 10] for images [N, 1, 28, 28].</summary>
    public override Tensor forward(Tensor input)
    {
        var x = pool1.call(relu1.call(conv1.call(input)));
        x = pool2.call(relu2.call(conv2.call(x)));
        return fc2.call(relu3.call(fc1.call(flatten.call(x))));
    }
}
