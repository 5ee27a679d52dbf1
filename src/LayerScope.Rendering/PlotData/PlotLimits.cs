namespace LayerScope.Rendering.PlotData;

/// <summary>Fixed axis limits in data units. Give every frame of a sequence (one scatter per epoch) the same limits so
/// the frames share one coordinate frame and motion between them is real, not an artefact of autoscaling.</summary>
public sealed record PlotLimits
{
    /// <summary>Creates limits; all four values must be finite, with <paramref name="xMax"/> &gt; <paramref name="xMin"/>
    /// and <paramref name="yMax"/> &gt; <paramref name="yMin"/>.</summary>
    /// <exception cref="ArgumentException">A value is not finite or a range is empty.</exception>
    public PlotLimits(double xMin, double xMax, double yMin, double yMax)
    {
        if (!double.IsFinite(xMin) || !double.IsFinite(xMax) || !(xMax > xMin))
            throw new ArgumentException($"X limits must be finite with xMax > xMin; given [{xMin}, {xMax}].", nameof(xMax));
        if (!double.IsFinite(yMin) || !double.IsFinite(yMax) || !(yMax > yMin))
            throw new ArgumentException($"Y limits must be finite with yMax > yMin; given [{yMin}, {yMax}].", nameof(yMax));
        XMin = xMin;
        XMax = xMax;
        YMin = yMin;
        YMax = yMax;
    }

    public double XMin { get; }
    public double XMax { get; }
    public double YMin { get; }
    public double YMax { get; }

    /// <summary>Returns limits enclosing every finite point of every frame, widened on each side by
    /// <paramref name="margin"/> times the range. A range of zero width (all values equal) is widened to ±0.5 around
    /// the value, so the area is never empty. Returns null when no frame has a finite point.</summary>
    public static PlotLimits? Enclosing(IEnumerable<ScatterPlotData> frames, double margin = 0.05)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (!double.IsFinite(margin) || margin < 0)
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be a finite number >= 0.");
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var frame in frames)
        {
            for (var i = 0; i < frame.X.Length; i++)
            {
                double x = frame.X[i], y = frame.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
                yMin = Math.Min(yMin, y);
                yMax = Math.Max(yMax, y);
            }
        }
        if (xMin > xMax) return null;
        var (x0, x1) = Widen(xMin, xMax, margin);
        var (y0, y1) = Widen(yMin, yMax, margin);
        return new PlotLimits(x0, x1, y0, y1);
    }

    private static (double Min, double Max) Widen(double min, double max, double margin)
    {
        var span = max - min;
        if (span <= 0 || !double.IsFinite(span)) return (min - 0.5, max + 0.5);
        var pad = span * margin;
        return (min - pad, max + pad);
    }
}
