using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>A built-in model: how to build it and what one input example looks like.</summary>
/// <param name="Name">The name used on the command line (<c>layerscope layers --zoo NAME</c>).</param>
/// <param name="Description">One line about the model and the workflow it serves.</param>
/// <param name="ExampleShape">Shape of one input example, without the batch dimension.</param>
/// <param name="Create">Builds a fresh, randomly initialised model (seed it with torch.manual_seed first).</param>
/// <param name="InputType">The element type of the input: float32 features, or int64 indices for an embedding.</param>
/// <param name="CreateSized">For a model whose sizes are settings of its training (an IMDB network's vocabulary,
/// word vector and LSTM sizes): builds it at the sizes a weights file holds, from the file's tensor shapes
/// (<see cref="SavedWeightShapes"/>) and its path (for errors). Null: <paramref name="Create"/>'s sizes are the only ones.</param>
public sealed record ZooModel(string Name, string Description, long[] ExampleShape, Func<nn.Module<Tensor, Tensor>> Create,
    ScalarType InputType = ScalarType.Float32,
    Func<IReadOnlyDictionary<string, long[]>, string, nn.Module<Tensor, Tensor>>? CreateSized = null)
{
    /// <summary>A fresh model shaped for the weights at <paramref name="weightsPath"/> (<see cref="CreateSized"/>), or
    /// <see cref="Create"/>'s when its sizes are fixed; the weights themselves are not loaded.</summary>
    public nn.Module<Tensor, Tensor> CreateFor(string weightsPath) => CreatorFor(weightsPath)();

    /// <summary>What builds fresh models shaped for the weights at <paramref name="weightsPath"/>; the file's shapes
    /// are read once, here, however many models are built.</summary>
    public Func<nn.Module<Tensor, Tensor>> CreatorFor(string weightsPath)
    {
        if (CreateSized is null) return Create;
        var shapes = SavedWeightShapes.Read(weightsPath);
        return () => CreateSized(shapes, weightsPath);
    }

    /// <summary>A batch of <paramref name="examples"/> all-zero inputs of the right shape and element type (a dry run).</summary>
    public Tensor SampleInput(long examples = 1) => torch.zeros([examples, .. ExampleShape], dtype: InputType);
}
