namespace LayerScope.Capture;

/// <summary>
/// How far two recordings of the same states are apart: the hidden states a forward hook saw against those a
/// step-by-step replay computed (<see cref="LstmStepper"/>, <c>CharRnn.CellStates</c>). The replay's cell states are
/// trusted only when its hidden states agree with the hooked ones, so workflows report this number beside them.
/// </summary>
public static class StateAgreement
{
    /// <summary>The largest absolute difference between <paramref name="hooked"/>[l] and <paramref name="stepped"/>[l]
    /// over every layer l and element.</summary>
    /// <exception cref="ArgumentException">The layer counts or a layer's lengths differ.</exception>
    public static double MaxDifference(IReadOnlyList<float[]> hooked, IReadOnlyList<float[]> stepped)
    {
        ArgumentNullException.ThrowIfNull(hooked);
        ArgumentNullException.ThrowIfNull(stepped);
        if (hooked.Count != stepped.Count)
            throw new ArgumentException($"{hooked.Count} hooked layers but {stepped.Count} stepped ones.", nameof(stepped));
        double worst = 0;
        for (int l = 0; l < hooked.Count; l++)
        {
            if (hooked[l].Length != stepped[l].Length)
                throw new ArgumentException($"Layer {l}: {hooked[l].Length} hooked values but {stepped[l].Length} stepped ones.", nameof(stepped));
            for (int i = 0; i < hooked[l].Length; i++) worst = Math.Max(worst, Math.Abs(hooked[l][i] - stepped[l][i]));
        }
        return worst;
    }
}
