using LayerScope.Errors;
using LayerScope.Models.Zoo;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>
/// A TorchSharp model read as a chain of layers: its children in registration order (nested <c>Sequential</c>s
/// flattened), each applied to the previous one's output, as the zoo models and <c>nn.Sequential</c> run. An
/// <c>Embedding</c> first makes the chain start at the word vectors; a final sigmoid or softmax is left out, so
/// methods explain the logits. BatchNorm is folded into the layer before it.
/// </summary>
internal sealed class LayerChain
{
    private bool _checked;

    private LayerChain(nn.Module<Tensor, Tensor> model, Embedding? embedding, List<LayerStep> steps, nn.Module<Tensor, Tensor>? final)
    {
        Model = model;
        Embedding = embedding;
        Steps = steps;
        Final = final;
    }

    public nn.Module<Tensor, Tensor> Model { get; }
    public Embedding? Embedding { get; }
    public IReadOnlyList<LayerStep> Steps { get; }
    public nn.Module<Tensor, Tensor>? Final { get; }

    public static LayerChain From(nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var children = Children("", model).ToList();
        Embedding? embedding = null;
        if (children.Count > 0 && children[0].Module is Embedding e)
        {
            embedding = e;
            children.RemoveAt(0);
        }
        nn.Module<Tensor, Tensor>? final = null;
        if (children.Count > 0 && children[^1].Module is Sigmoid or Softmax or LogSoftmax)
        {
            final = (nn.Module<Tensor, Tensor>)children[^1].Module;
            children.RemoveAt(children.Count - 1);
        }
        var steps = new List<LayerStep>();
        foreach (var (name, module) in children)
        {
            switch (module)
            {
                case Linear or Conv1d or Conv2d:
                    steps.Add(AffineStep.From(name, module));
                    break;
                case BatchNorm1d or BatchNorm2d:
                    if (steps.Count == 0 || steps[^1] is not AffineStep previous)
                        throw new LayerScopeException($"layer '{name}' is a BatchNorm that does not follow a dense or convolutional layer; LRP folds BatchNorm into the layer before it.");
                    var p = module.named_parameters().ToDictionary(x => x.name, x => x.parameter.detach());
                    var b = module.named_buffers().ToDictionary(x => x.name, x => x.buffer.detach());
                    double eps = module is BatchNorm1d b1 ? b1.eps : ((BatchNorm2d)module).eps;
                    steps[^1] = previous.FoldBatchNorm(name, b["running_mean"], b["running_var"], p.GetValueOrDefault("weight"), p.GetValueOrDefault("bias"), eps);
                    break;
                case ReLU relu:
                    steps.Add(new PassThroughStep(name, relu, relu: true));
                    break;
                case Dropout or Flatten or Identity:
                    steps.Add(new PassThroughStep(name, (nn.Module<Tensor, Tensor>)module, relu: false));
                    break;
                case MaxPool1d or MaxPool2d or AvgPool1d or AvgPool2d or AdaptiveAvgPool1d or AdaptiveAvgPool2d:
                    steps.Add(new PoolingStep(name, (nn.Module<Tensor, Tensor>)module));
                    break;
                case BidirectionalLstm lstm:
                    steps.Add(new LstmStep(name, lstm));
                    break;
                case BidirectionalGru gru:
                    steps.Add(new GruStep(name, gru));
                    break;
                default:
                    throw new LayerScopeException($"layer '{name}' is a {module.GetType().Name}, which layer-wise methods (LRP, guided backpropagation, "
                        + "deconvnet) do not cover; covered: Linear, Conv1d, Conv2d, BatchNorm (folded), ReLU, Dropout, Flatten, max and average pooling, "
                        + "BidirectionalLstm, BidirectionalGru, an Embedding first and a Sigmoid or Softmax last. Use a gradient method (gradient-x-input, ig) for this model.");
            }
        }
        if (steps.Count == 0) throw new LayerScopeException("the model has no layers a layer-wise method can walk.");
        return new LayerChain(model, embedding, steps, final);
    }

    private static IEnumerable<(string Name, nn.Module Module)> Children(string prefix, nn.Module module)
    {
        foreach (var (name, child) in module.named_children())
        {
            var full = prefix.Length == 0 ? name : prefix + "." + name;
            if (child is Sequential) foreach (var inner in Children(full, child)) yield return inner;
            else yield return (full, child);
        }
    }

    /// <summary>The chain's input for <paramref name="inputs"/>: the embedding's output for token ids.</summary>
    public Tensor Start(Tensor inputs) => Embedding is null ? inputs : Embedding.call(inputs);

    /// <summary>Every layer's input and, last, the logits. <paramref name="winners"/>, when given (one entry per step),
    /// receives each max pooling's winners, which libtorch finds in the same pass as the maxima, so that relevance can
    /// be routed without replaying the pooling.</summary>
    public List<Tensor> Activations(Tensor inputs, Tensor?[]? winners = null)
    {
        Model.eval();
        var values = new List<Tensor> { Start(inputs) };
        for (int i = 0; i < Steps.Count; i++)
        {
            if (winners is not null && Steps[i] is PoolingStep pool)
            {
                var (output, at) = pool.ForwardWithWinners(values[^1]);
                values.Add(output);
                winners[i] = at;
            }
            else values.Add(Steps[i].Forward(values[^1]));
        }
        if (!_checked) Check(inputs, values[^1]);
        return values;
    }

    /// <summary>The chain must compute what the model computes; a model whose forward is not its children in order
    /// (a skip connection, a reused layer) would otherwise get a silently wrong explanation. Checked once, on the
    /// first example. Recurrent chains are exempt: their float64 replay differs from libtorch's float32 nn.LSTM on plain
    /// tensors (DEVELOPERS.md), which would fail the comparison although the replay is the correct one.</summary>
    private void Check(Tensor inputs, Tensor logits)
    {
        _checked = true;
        if (Steps.Any(s => s is RecurrentStep)) return;
        using var scope = NewDisposeScope();
        var expected = Model.call(inputs[..1]);
        var actual = Final is null ? logits[..1] : Final.call(logits[..1]);
        if (!expected.shape.SequenceEqual(actual.shape) || !allclose(actual.to(ScalarType.Float64), expected.to(ScalarType.Float64), rtol: 1e-3, atol: 1e-4))
            throw new LayerScopeException("the model's output is not its layers applied in order (a skip connection or a reused layer?); "
                + "layer-wise methods cannot walk it. Use a gradient method (gradient-x-input, ig).");
    }
}
