namespace LayerScope.Errors;

/// <summary>Finds the names closest to a misspelt one: Levenshtein distance, ignoring case, with names that contain
/// the query (or are contained in it) kept even when far ("Relu" finds "/act/Relu"). Used for every "did you mean"
/// message: layers, ONNX tensors, zoo models, demos, data sets.</summary>
public static class NameSuggestions
{
    public static IReadOnlyList<string> Closest(string query, IEnumerable<string> names, int count = 5)
    {
        var needle = query.Trim('/').ToUpperInvariant();
        return names.Distinct(StringComparer.Ordinal)
            .Select(name =>
            {
                var candidate = name.Trim('/').ToUpperInvariant();
                bool contains = needle.Length > 0 && (candidate.Contains(needle, StringComparison.Ordinal) || needle.Contains(candidate, StringComparison.Ordinal));
                return (name, contains, distance: Levenshtein(needle, candidate));
            })
            .Where(x => x.contains || x.distance <= Math.Max(3, needle.Length / 2))
            .OrderBy(x => x.distance).ThenBy(x => x.contains ? 0 : 1).ThenBy(x => x.name, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.name)
            .ToList();
    }

    /// <summary>" Did you mean 'a' or 'b'?" for the closest names, or an empty string when none is close.</summary>
    public static string DidYouMean(string query, IEnumerable<string> names, int count = 3)
    {
        var closest = Closest(query, names, count);
        return closest.Count == 0 ? "" : $" Did you mean {string.Join(" or ", closest.Select(n => $"'{n}'"))}?";
    }

    /// <summary>The number of single-character insertions, deletions and substitutions turning a into b.</summary>
    public static int Levenshtein(string a, string b)
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
