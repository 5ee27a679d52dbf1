using LayerScope.Text;

namespace LayerScope.Interpretation;

/// <summary>The cells that follow one context feature best.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Top">The best cells by |r|, best first.</param>
/// <param name="MedianAbsR">The median |r| over all cells: the level a discovered cell should stand clearly above.</param>
public sealed record FeatureCells(ContextFeature Feature, IReadOnlyList<CellCorrelation> Top, double MedianAbsR);
