namespace LayerScope.Data.Reviews;

/// <summary>
/// The Large Movie Review Dataset's labelled reviews, as one of its loaders read them: a training and a test split,
/// each ordered negative reviews first, then positive, by <see cref="MovieReview.Id"/> within each class (archive,
/// folder and file-system order differ; this one does not). Keras' npz keeps its own order.
/// </summary>
/// <param name="Train">The training reviews (25,000 in the published data).</param>
/// <param name="Test">The test reviews (25,000 in the published data).</param>
/// <param name="Source">Where the reviews were read from (a file or folder path), for messages and reports.</param>
public sealed record ReviewCorpus(IReadOnlyList<MovieReview> Train, IReadOnlyList<MovieReview> Test, string Source)
{
    /// <summary>"negative" and "positive", indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["negative", "positive"];

    /// <summary>The split called <paramref name="split"/>.</summary>
    public IReadOnlyList<MovieReview> Split(ReviewSplit split) => split == ReviewSplit.Train ? Train : Test;
}

/// <summary>The two labelled splits of the data set.</summary>
public enum ReviewSplit
{
    /// <summary>The training reviews (<c>aclImdb/train</c>, Keras' <c>x_train</c>).</summary>
    Train,

    /// <summary>The test reviews (<c>aclImdb/test</c>, Keras' <c>x_test</c>).</summary>
    Test,
}
