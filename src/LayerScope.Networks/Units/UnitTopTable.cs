using LayerScope.Arrays;
using LayerScope.Runs;

namespace LayerScope.Units;

/// <summary>
/// A stage: a scanned layer's top-k (<see cref="ChannelTopActivations"/>) as a run's <see cref="RunUnits.Top"/> table
/// [C, k, 6] of (point, activation, top, left, height, width), the patch being the receptive field of each hit's
/// peak in input pixels, so the viewer can outline it without knowing the network's geometry.
/// </summary>
public static class UnitTopTable
{
    /// <summary>The table of <paramref name="top"/>, whose example i is run point i; entries a channel lacks are −1.</summary>
    /// <param name="top">The scan of the layer.</param>
    /// <param name="rows">The layer's receptive field along the rows.</param>
    /// <param name="columns">Along the columns (the rows' when null).</param>
    public static Float32Array From(ChannelTopActivations top, ReceptiveField rows, ReceptiveField? columns = null)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(rows);
        columns ??= rows;
        var values = new float[top.Channels * top.K * RunUnits.TopFields];
        Array.Fill(values, -1f);
        for (int c = 0; c < top.Channels; c++)
        {
            var hits = top.Top(c);
            for (int r = 0; r < hits.Count; r++)
            {
                var hit = hits[r];
                int at = (c * top.K + r) * RunUnits.TopFields;
                values[at] = hit.Example;
                values[at + 1] = hit.Activation;
                values[at + 2] = rows.FirstFor(hit.Row);
                values[at + 3] = columns.FirstFor(hit.Column);
                values[at + 4] = rows.Size;
                values[at + 5] = columns.Size;
            }
            // A missing entry's patch size is 0 (the reader wants sizes of 0 or more).
            for (int r = hits.Count; r < top.K; r++)
            {
                int at = (c * top.K + r) * RunUnits.TopFields;
                values[at + 4] = values[at + 5] = 0;
            }
        }
        return new Float32Array($"{top.Layer}-top", values, [top.Channels, top.K, RunUnits.TopFields]);
    }

    /// <summary>The synthesized images of a layer's channels, in channel order, as one [C, H, W] array.</summary>
    public static Float32Array Images(IReadOnlyList<MaximizedInput> images, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        var values = new float[images.Count * height * width];
        for (int c = 0; c < images.Count; c++)
        {
            if (images[c].Pixels.Length != height * width)
                throw new ArgumentException($"Synthesized image {c} has {images[c].Pixels.Length} values, not {height}×{width}.", nameof(images));
            images[c].Pixels.CopyTo(values, c * height * width);
        }
        return new Float32Array("synthesis", values, [images.Count, height, width]);
    }

    /// <summary>The run's <see cref="RunUnits.SynthesisScores"/> [C, 3] of <paramref name="images"/> (in channel order):
    /// each objective before and after, and <paramref name="dataMeans"/>, the same objective's mean over the scanned data.</summary>
    public static Float32Array Scores(IReadOnlyList<MaximizedInput> images, IReadOnlyList<double> dataMeans)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(dataMeans);
        if (dataMeans.Count != images.Count) throw new ArgumentException($"{dataMeans.Count} data means for {images.Count} images.", nameof(dataMeans));
        var values = new float[images.Count * RunUnits.ScoreFields];
        for (int c = 0; c < images.Count; c++)
            (values[c * 3], values[c * 3 + 1], values[c * 3 + 2]) = ((float)images[c].ObjectiveBefore, (float)images[c].ObjectiveAfter, (float)dataMeans[c]);
        return new Float32Array("synthesis-scores", values, [images.Count, RunUnits.ScoreFields]);
    }

    /// <summary>How many of a run's first points get their feature maps stored when a layer's maps of one point hold
    /// <paramref name="valuesPerPoint"/> values and at most <paramref name="budget"/> values are kept per layer.</summary>
    public static int MapPoints(int points, long valuesPerPoint, long budget = DefaultMapBudget) =>
        valuesPerPoint <= 0 ? points : (int)Math.Min(points, Math.Max(1, budget / valuesPerPoint));

    /// <summary>4 M values (16 MB of float32) of feature maps per layer in a run.</summary>
    public const long DefaultMapBudget = 4_000_000;
}
