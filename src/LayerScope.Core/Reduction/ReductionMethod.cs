using LayerScope.Errors;

namespace LayerScope.Reduction;

/// <summary>How points are brought to 2 or 3 dimensions. One set of names serves the library, the command line,
/// <c>inspect</c>, run.json and the viewer (<see cref="ReductionMethods.Name"/>).</summary>
public enum ReductionMethod
{
    /// <summary>None: a layer of 2 or 3 units drawn with its units as axes.</summary>
    Raw,

    /// <summary>Principal components (<see cref="Pca.PcaReducer"/>).</summary>
    Pca,

    /// <summary>t-SNE (<see cref="Tsne.TsneReducer"/>).</summary>
    Tsne,

    /// <summary>UMAP (<see cref="Umap.UmapReducer"/>).</summary>
    Umap,
}

/// <summary>The names of <see cref="ReductionMethod"/>s: the lower-case name in files and on the command line, the
/// display name in figures.</summary>
public static class ReductionMethods
{
    /// <summary>Every method, in the order help texts list them.</summary>
    public static IReadOnlyList<ReductionMethod> All { get; } = [ReductionMethod.Raw, ReductionMethod.Pca, ReductionMethod.Tsne, ReductionMethod.Umap];

    /// <summary>The name in run.json, the viewer and on the command line: raw, pca, tsne, umap.</summary>
    public static string Name(this ReductionMethod method) => method switch
    {
        ReductionMethod.Raw => "raw",
        ReductionMethod.Pca => "pca",
        ReductionMethod.Tsne => "tsne",
        ReductionMethod.Umap => "umap",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a reduction method"),
    };

    /// <summary>The name in titles and axis labels: raw, PCA, t-SNE, UMAP.</summary>
    public static string DisplayName(this ReductionMethod method) => method switch
    {
        ReductionMethod.Raw => "raw",
        ReductionMethod.Pca => "PCA",
        ReductionMethod.Tsne => "t-SNE",
        ReductionMethod.Umap => "UMAP",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a reduction method"),
    };

    /// <summary>The method named <paramref name="name"/> (<see cref="Name"/>, any case; "t-sne" also reads as tsne).</summary>
    /// <param name="name">The name to read.</param>
    /// <param name="setting">What holds the name, for the error ("run.json embeddings[2].method").</param>
    /// <exception cref="InvalidSettingsException">No method has that name; the message lists the names.</exception>
    public static ReductionMethod Parse(string? name, string setting)
    {
        if (TryParse(name, out var method)) return method;
        throw new InvalidSettingsException([$"{setting} '{name}' is not a reduction method; use one of {string.Join(", ", All.Select(m => m.Name()))}."]);
    }

    /// <summary>Reads <paramref name="name"/> as <see cref="Parse"/> does, without throwing.</summary>
    public static bool TryParse(string? name, out ReductionMethod method)
    {
        var normalized = name?.Trim().ToLowerInvariant() switch { "t-sne" => "tsne", var other => other };
        foreach (var candidate in All)
        {
            if (candidate.Name() == normalized) { method = candidate; return true; }
        }
        method = default;
        return false;
    }
}
