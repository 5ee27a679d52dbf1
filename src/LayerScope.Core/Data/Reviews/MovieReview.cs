namespace LayerScope.Data.Reviews;

/// <summary>One labelled review of the Large Movie Review Dataset (Maas et al., ACL 2011).</summary>
/// <param name="Id">The review's number within its split and class: the ID of <c>ID_RATING.txt</c> (also the line of
/// <c>urls_pos.txt</c> / <c>urls_neg.txt</c> holding its IMDb page); for Keras' npz, which keeps no ids, the review's
/// position in its split.</param>
/// <param name="Label">0 for a negative review, 1 for a positive one.</param>
/// <param name="Rating">The reviewer's rating out of 10 (1–4 negative, 7–10 positive), from the file name; null where
/// the source does not keep it (Keras' npz).</param>
/// <param name="Text">The review as written, HTML line breaks (<c>&lt;br /&gt;</c>) included; for Keras' npz, its
/// words as the word index spells them, separated by single spaces.</param>
public sealed record MovieReview(int Id, int Label, int? Rating, string Text)
{
    /// <summary>The label of negative reviews.</summary>
    public const int Negative = 0;

    /// <summary>The label of positive reviews.</summary>
    public const int Positive = 1;
}
