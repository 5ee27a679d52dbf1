using LayerScope.Data.Reviews;
using LayerScope.Text;
using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>Reviews as a word-index network reads them: each encoded with the vocabulary (start index, then one index
/// per word) and pre-padded / pre-truncated to one length, as Keras' IMDB example prepares them.</summary>
public static class ReviewTensors
{
    /// <summary>Features [N, <paramref name="maxLength"/>] int64 word indices and labels [N] (0 negative, 1 positive).</summary>
    public static LabeledTensors Encode(IReadOnlyList<MovieReview> reviews, WordVocabulary vocabulary, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var indices = SequencePadding.PadPre(reviews.Select(r => vocabulary.Encode(r.Text)).ToList(), maxLength);
        return new LabeledTensors(tensor(indices, [reviews.Count, maxLength]), tensor(reviews.Select(r => (long)r.Label).ToArray()));
    }
}
