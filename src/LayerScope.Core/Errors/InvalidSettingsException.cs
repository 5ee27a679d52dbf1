namespace LayerScope.Errors;

/// <summary>One or more settings are invalid. <see cref="Problems"/> lists all of them at once, each naming the
/// setting, the value given and what is expected.</summary>
public sealed class InvalidSettingsException : LayerScopeException
{
    public InvalidSettingsException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : "Invalid settings:" + string.Concat(problems.Select(p => "\n  - " + p)))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>Throws when <paramref name="problems"/> is not empty.</summary>
    public static void ThrowIfAny(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0) throw new InvalidSettingsException(list);
    }
}
