using System.Reflection;
using System.Text;

namespace LayerScope.Cli.Demos;

/// <summary>LayerScope's own C# source files, embedded into this assembly at build time (see LayerScope.Cli.csproj):
/// the default demo's corpus, there on any machine the tool is installed on.</summary>
public static class EmbeddedSources
{
    /// <summary>The resource-name prefix of every embedded source file.</summary>
    public const string Prefix = "LayerScope.Sources/";

    /// <summary>The embedded files' paths relative to src/ ("LayerScope.Networks/Models/ModelZoo.cs"), in ordinal order.</summary>
    public static IReadOnlyList<string> Paths { get; } = typeof(EmbeddedSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The text of one embedded file (line breaks normalised to \n), or null when there is none by that path.</summary>
    public static string? Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var assembly = typeof(EmbeddedSources).Assembly;
        using var stream = assembly.GetManifestResourceStream(Prefix + path);
        if (stream is null) return null;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>Every embedded file in <see cref="Paths"/> order, each preceded by a "// file: PATH" line.</summary>
    public static string ReadAll()
    {
        var text = new StringBuilder();
        foreach (var path in Paths)
        {
            text.Append("// file: ").Append(path.Replace('\\', '/')).Append('\n');
            text.Append(Read(path)).Append('\n');
        }
        return text.ToString();
    }
}
