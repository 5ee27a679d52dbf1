namespace LayerScope.Models.Zoo;

/// <summary>Text a character model wrote at one sampling temperature (<see cref="CharRnnSampler"/>).</summary>
public sealed record GeneratedSample(double Temperature, string Text);
