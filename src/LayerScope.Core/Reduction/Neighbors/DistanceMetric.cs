namespace LayerScope.Reduction.Neighbors;

/// <summary>How the distance between two points is measured.</summary>
public enum DistanceMetric
{
    /// <summary>Straight-line distance ‖a − b‖.</summary>
    Euclidean,

    /// <summary>1 − cos(a, b), between 0 and 2. Rows of zeros are treated as orthogonal to everything.</summary>
    Cosine,
}
