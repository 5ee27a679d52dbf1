namespace LayerScope.Text;

/// <summary>Suggests the valid names closest to a mistyped one (Levenshtein edit distance), for "did you mean"
/// messages about layers, data sets and demos.</summary>
public static class NameSuggestions
{
    /// <summary>Up to <paramref name="count"/> names from <paramref name="validNames"/>, closest first. Names that contain
    /// the given text (or are contained in it) rank before others at equal distance.</summary>
    public static IReadOnlyList<string> Closest(string given, IEnumerable<string> validNames, int count = 3)
    {
        return validNames
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Distance(given.ToLowerInvariant(), name.ToLowerInvariant()),
                Related: name.Contains(given, StringComparison.OrdinalIgnoreCase) || given.Contains(name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(candidate => candidate.Distance - (candidate.Related ? 0.5 : 0))
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(candidate => candidate.Name)
            .ToList();
    }

    /// <summary>The Levenshtein distance: the fewest single-character insertions, deletions and substitutions that
    /// turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
