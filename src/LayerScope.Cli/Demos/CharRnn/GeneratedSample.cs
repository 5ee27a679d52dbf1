namespace LayerScope.Cli.Demos;

/// <summary>Text the trained model wrote at one sampling temperature.</summary>
public sealed record GeneratedSample(double Temperature, string Text);
