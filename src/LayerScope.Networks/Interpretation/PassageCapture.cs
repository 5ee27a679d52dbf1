using LayerScope.Arrays;
using LayerScope.Capture;
using LayerScope.Models.Zoo;
using LayerScope.Progress;
using LayerScope.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Interpretation;

/// <summary>Everything a character model did while reading one passage, one row per character.</summary>
/// <param name="Cells">Per layer, the cell states c_t (stepped with the layer's own weights).</param>
/// <param name="Hidden">Per layer, the hidden states h_t (from the same stepping).</param>
/// <param name="Logits">The model's next-character logits, [characters, vocabulary], through a forward hook.</param>
/// <param name="StepCheck">The largest difference between the hooked h_t and the stepped h_t: the stepped c_t are
/// trusted because their h_t agree with what the LSTM itself computed.</param>
public sealed record PassageStates(IReadOnlyList<LayerStates> Cells, IReadOnlyList<LayerStates> Hidden, Float32Array Logits, double StepCheck);

/// <summary>The capture stage of the character-model workflow: runs a passage through a <see cref="CharRnn"/> once
/// with hooks (hidden states and logits) and once step by step (cell states, which TorchSharp's LSTM does not return),
/// and checks that the two agree.</summary>
public static class PassageCapture
{
    /// <summary>Captures <paramref name="passage"/> (every character must be in <paramref name="vocabulary"/>'s encoding).</summary>
    public static PassageStates Run(CharRnn model, CharVocabulary vocabulary, string passage, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(passage);
        cancellationToken.ThrowIfCancellationRequested();
        int layers = model.LayerNames.Count;
        string detail = $"{passage.Length} characters";
        progress?.Report(new StepProgress("capture", 0, layers + 1, detail));
        using var oneHot = torch.nn.functional.one_hot(torch.tensor(vocabulary.Encode(passage).Select(i => (long)i).ToArray()), vocabulary.Size).to(ScalarType.Float32);
        using var batch = oneHot.unsqueeze(0);
        var captured = ActivationCapture.Run(model, batch, [.. model.LayerNames, "output"], cancellationToken: cancellationToken);
        progress?.Report(new StepProgress("capture", 1, layers + 1, detail));
        var stepped = model.CellStates(oneHot);
        progress?.Report(new StepProgress("capture", layers + 1, layers + 1, detail));
        double check = StateAgreement.MaxDifference([.. model.LayerNames.Select(l => captured[l].Values)], [.. stepped.Select(s => s.Hidden)]);
        var cells = model.LayerNames.Select((name, l) => new LayerStates(name, stepped[l].Cells, passage.Length, model.HiddenSize)).ToList();
        var hidden = model.LayerNames.Select((name, l) => new LayerStates(name, stepped[l].Hidden, passage.Length, model.HiddenSize)).ToList();
        return new PassageStates(cells, hidden, captured["output"], check);
    }
}
