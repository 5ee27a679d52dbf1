namespace LayerScope.Interpretation;

/// <summary>How closely one cell follows one context feature over a passage.</summary>
/// <param name="Layer">The cell's layer.</param>
/// <param name="Cell">The cell's index in its layer (0-based).</param>
/// <param name="R">Pearson correlation of the cell's values with the feature's, -1..1.</param>
public sealed record CellCorrelation(string Layer, int Cell, double R);
