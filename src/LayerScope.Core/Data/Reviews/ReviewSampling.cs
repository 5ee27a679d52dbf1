namespace LayerScope.Data.Reviews;

/// <summary>A split of labelled reviews into the part a model trains on and the part held out to validate it.</summary>
public sealed record ReviewHoldOut(IReadOnlyList<MovieReview> Train, IReadOnlyList<MovieReview> Validation);

/// <summary>
/// Random, class-balanced subsets and hold-out splits of reviews. The loaders return each split negative reviews first,
/// then positive: taking the first N reviews, or holding out the last 20 % as Keras' <c>validation_split</c> does,
/// would give one class only, so every selection here draws from both classes in proportion and shuffles the result.
/// </summary>
public static class ReviewSampling
{
    /// <summary><paramref name="count"/> reviews drawn at random, half of each class (the odd one from the class with
    /// more reviews), in random order; all of them, shuffled, when there are no more than <paramref name="count"/>.
    /// If one class has fewer than its half, all of that class are taken and the rest come from the other.</summary>
    public static IReadOnlyList<MovieReview> Balanced(IReadOnlyList<MovieReview> reviews, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var negative = Shuffled(reviews.Where(r => r.Label == MovieReview.Negative), random);
        var positive = Shuffled(reviews.Where(r => r.Label == MovieReview.Positive), random);
        count = Math.Min(count, negative.Count + positive.Count);
        int fromPositive = Math.Clamp(positive.Count >= negative.Count ? count - count / 2 : count / 2, count - negative.Count, positive.Count);
        var chosen = negative.Take(count - fromPositive).Concat(positive.Take(fromPositive)).ToArray();
        random.Shuffle(chosen);
        return chosen;
    }

    /// <summary>Holds out <paramref name="validationFraction"/> of each class (rounded) for validation; both parts are
    /// shuffled.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    public static ReviewHoldOut HoldOut(IReadOnlyList<MovieReview> reviews, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie strictly between 0 and 1.");
        var random = new Random(seed);
        var train = new List<MovieReview>();
        var validation = new List<MovieReview>();
        foreach (var label in new[] { MovieReview.Negative, MovieReview.Positive })
        {
            var members = Shuffled(reviews.Where(r => r.Label == label), random);
            int held = (int)Math.Round(members.Count * validationFraction, MidpointRounding.AwayFromZero);
            validation.AddRange(members.Take(held));
            train.AddRange(members.Skip(held));
        }
        var trainArray = train.ToArray();
        var validationArray = validation.ToArray();
        random.Shuffle(trainArray);
        random.Shuffle(validationArray);
        return new ReviewHoldOut(trainArray, validationArray);
    }

    private static List<MovieReview> Shuffled(IEnumerable<MovieReview> reviews, Random random)
    {
        var array = reviews.ToArray();
        random.Shuffle(array);
        return [.. array];
    }
}
