namespace LayerScope.Runs;

/// <summary>
/// The channels of one convolutional layer for the viewer's units view (docs/viewer.md, "units"). These files are the
/// unit entry's own, not <see cref="RunManifest.Arrays"/>, because most are per channel rather than per point:
/// <list type="bullet">
/// <item><see cref="Top"/>: [C, k, 6], per channel its k strongest points, best first, each as (point, activation,
/// top, left, height, width): the run point (−1 where a channel has fewer than k), its peak activation, and the
/// receptive-field patch of the peak in input pixels (top/left may be negative when the field starts in the padding).</item>
/// <item><see cref="Maps"/> with <see cref="MapPoints"/>: the layer's output [M, C, h, w] for the M run points listed
/// in the [M] array <see cref="MapPoints"/> (ascending). M is the writer's choice: all points when the maps are small,
/// else a subset, so a 10,000-image run does not carry gigabytes of maps.</item>
/// <item><see cref="Synthesis"/>: [C, H, W], per channel an input synthesized to excite it, the size of the image inputs.</item>
/// <item><see cref="SynthesisScores"/>: [C, 3], per channel the synthesis objective's value on the starting image, on the
/// synthesized image, and its mean over the data (the same neuron, channel mean or logit over the scanned inputs), so
/// the viewer can show how far the image drives the channel beyond what the data does; with
/// <see cref="SynthesisObjective"/>, the objective in words ("unit (14, 14)", "channel mean", "class logit").</item>
/// </list>
/// Top and synthesis are drawn beside the run's image inputs, so units need image inputs.
/// </summary>
/// <param name="Layer">The conv layer's name, used once per run.</param>
/// <param name="Channels">C, the layer's output channels.</param>
/// <param name="Top">The top-k file (.npy, relative to the run folder).</param>
/// <param name="Maps">The feature maps file, or null.</param>
/// <param name="MapPoints">The points of <see cref="Maps"/>, or null (both or neither).</param>
/// <param name="Synthesis">The synthesized images file, or null.</param>
/// <param name="SynthesisScores">The objective's values per channel (before, after, data mean), or null; only with <see cref="Synthesis"/>.</param>
/// <param name="SynthesisObjective">What the synthesis raised, in words, or null; only with <see cref="Synthesis"/>.</param>
public sealed record RunUnits(string Layer, int Channels, string Top, string? Maps = null, string? MapPoints = null, string? Synthesis = null,
    string? SynthesisScores = null, string? SynthesisObjective = null)
{
    /// <summary>Values per entry of <see cref="Top"/>: point, activation, top, left, height, width.</summary>
    public const int TopFields = 6;

    /// <summary>Values per channel of <see cref="SynthesisScores"/>: before, after, data mean.</summary>
    public const int ScoreFields = 3;

    /// <summary>Which field of a units entry with these file shapes (null for a file it lacks) disagrees, with what
    /// was expected, or null when all fit. Writer and reader both ask here, so the writer cannot produce a run the
    /// reader refuses.</summary>
    public static (string Field, string Expected, long[] Shape)? Mismatch(int channels, RunInputs? inputs, long[] top, long[]? maps, long[]? mapPoints, long[]? synthesis,
        long[]? synthesisScores = null)
    {
        ArgumentNullException.ThrowIfNull(top);
        if (inputs is not { Kind: RunInputs.ImageKind, Width: { } width, Height: { } height })
            return ("units", "image inputs (top images and synthesized images are drawn as images)", top);
        if (top.Length != 3 || top[0] != channels || top[1] < 1 || top[2] != TopFields)
            return ("top", $"[{channels}, k, {TopFields}] (per channel k entries of point, activation, top, left, height, width)", top);
        if ((maps is null) != (mapPoints is null)) return ("mapPoints", "both maps and mapPoints, or neither", maps ?? mapPoints!);
        if (maps is not null && (maps.Length != 4 || maps[1] != channels))
            return ("maps", $"[M, {channels}, h, w] (the layer's output for M points)", maps);
        if (mapPoints is not null && (mapPoints.Length != 1 || mapPoints[0] != maps![0]))
            return ("mapPoints", $"[{maps![0]}] (one point per map)", mapPoints);
        if (synthesis is not null && (synthesis.Length != 3 || synthesis[0] != channels || synthesis[1] != height || synthesis[2] != width))
            return ("synthesis", $"[{channels}, {height}, {width}] (one image per channel, the inputs' size)", synthesis);
        if (synthesisScores is not null && synthesis is null)
            return ("synthesisScores", "a synthesis file beside it (the scores belong to its images)", synthesisScores);
        if (synthesisScores is not null && (synthesisScores.Length != 2 || synthesisScores[0] != channels || synthesisScores[1] != ScoreFields))
            return ("synthesisScores", $"[{channels}, {ScoreFields}] (per channel the objective before, after and its data mean)", synthesisScores);
        return null;
    }

    /// <summary>The first entry of a [C, k, 6] top array whose point is neither −1 nor one of <paramref name="points"/>
    /// run points (or whose patch size is negative), or −1 when all are.</summary>
    public static long BadTopEntry(ReadOnlySpan<float> top, int points)
    {
        for (int e = 0; e + TopFields <= top.Length; e += TopFields)
        {
            float point = top[e];
            bool valid = point == -1 || (point >= 0 && point < points && point == MathF.Floor(point));
            if (!valid || !(top[e + 4] >= 0) || !(top[e + 5] >= 0)) return e / TopFields;
        }
        return -1;
    }

    /// <summary>The first position of <paramref name="mapPoints"/> that is not a run point above its predecessor, or −1.</summary>
    public static int BadMapPoint(IReadOnlyList<long> mapPoints, int points)
    {
        for (int i = 0; i < mapPoints.Count; i++)
            if (mapPoints[i] < 0 || mapPoints[i] >= points || (i > 0 && mapPoints[i] <= mapPoints[i - 1])) return i;
        return -1;
    }
}
