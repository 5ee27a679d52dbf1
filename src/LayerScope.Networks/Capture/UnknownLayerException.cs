using LayerScope.Errors;

namespace LayerScope.Capture;

/// <summary>A layer name that the model does not have. The message lists the closest valid names and all of them.</summary>
public sealed class UnknownLayerException : LayerScopeException
{
    public UnknownLayerException(string layer, IReadOnlyList<string> validNames, IReadOnlyList<string> closest)
        : base(BuildMessage(layer, validNames, closest))
    {
        Layer = layer;
        ValidNames = validNames;
        Closest = closest;
    }

    public string Layer { get; }
    public IReadOnlyList<string> ValidNames { get; }
    public IReadOnlyList<string> Closest { get; }

    private static string BuildMessage(string layer, IReadOnlyList<string> validNames, IReadOnlyList<string> closest)
    {
        var message = $"the model has no layer '{layer}'.";
        if (closest.Count > 0) message += $" Did you mean {string.Join(" or ", closest.Select(n => $"'{n}'"))}?";
        message += $" Valid layers: {string.Join(", ", validNames)}.";
        return message;
    }
}
