using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>Reads a layer's settings, like Keras' <c>get_config()</c>. Recurrent settings are derived from the
/// parameter names and shapes (TorchSharp keeps them private): weight_ih_l{k}[_reverse] is [gates*hidden, input].</summary>
internal static class LayerConfig
{
    public static IReadOnlyList<KeyValuePair<string, string>> Of(nn.Module module)
    {
        var config = new List<KeyValuePair<string, string>>();
        void Add(string key, object value) => config.Add(new(key, Convert.ToString(value, CultureInfo.InvariantCulture)!));
        switch (module)
        {
            case Linear linear:
                Add("in", linear.in_features);
                Add("units", linear.out_features);
                Add("bias", linear.bias is not null);
                break;
            case Dropout dropout:
                Add("rate", dropout.p);
                break;
            case Embedding embedding:
                var table = embedding.weight!;
                Add("vocabulary", table.shape[0]);
                Add("dimensions", table.shape[1]);
                break;
            case LSTM or GRU or RNN:
                AddRecurrent(module, module is LSTM ? 4 : module is GRU ? 3 : 1, Add);
                break;
            case ReLU or Sigmoid or Tanh or Softmax or LogSoftmax or GELU or LeakyReLU:
                Add("activation", module.GetType().Name.ToLowerInvariant());
                break;
            default:
                break;
        }
        return config;
    }

    private static void AddRecurrent(nn.Module module, int gates, Action<string, object> add)
    {
        var parameters = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter.shape);
        if (!parameters.TryGetValue("weight_ih_l0", out var first)) return;
        int layers = parameters.Keys.Count(name => name.StartsWith("weight_ih_l", StringComparison.Ordinal) && !name.EndsWith("_reverse", StringComparison.Ordinal));
        add("input", first[1]);
        add("units", first[0] / gates);
        add("layers", layers);
        add("bidirectional", parameters.ContainsKey("weight_ih_l0_reverse"));
    }
}
