using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace LayerScope.Runs;

/// <summary>The JSON settings of run.json and of the viewer's API: camelCase names, nulls left out, and every
/// HTML-sensitive character (&lt; &gt; &amp; ' ") escaped, so a label can never become markup wherever the JSON lands.</summary>
public static class RunJson
{
    /// <summary>Settings for reading and writing manifests and API answers.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    /// <summary>The same settings without indentation, for API answers.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    /// <summary>Applies the run settings to <paramref name="options"/> (the server configures ASP.NET's with it).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        // UnsafeRelaxedJsonEscaping would let '<' through; this encoder keeps non-ASCII letters readable and still
        // escapes < > & ' " and +.
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions { WriteIndented = indented };
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
