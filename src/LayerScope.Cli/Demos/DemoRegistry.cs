namespace LayerScope.Cli.Demos;

/// <summary>Every demo, in the order help lists them; the first is the one <c>layerscope demo</c> runs without a name.</summary>
internal static class DemoRegistry
{
    /// <summary>The demos.</summary>
    public static IReadOnlyList<IDemo> All { get; } = [new CharRnnDemoCommand(), new BanknoteDemoCommand(), new VowelsDemoCommand(), new ImdbDemoCommand(), new CnnDemoCommand()];

    /// <summary>The demo run when no name is given.</summary>
    public static IDemo Default => All[0];
}
