using System.Globalization;
using System.Text;
using LayerScope.Storage;

namespace LayerScope.TensorBoard;

/// <summary>One tensor for TensorBoard's embedding projector: N rows of D values, with optional metadata and sprite.</summary>
/// <param name="Name">The tensor's name in the projector's menu.</param>
/// <param name="Values">Row-major [Rows, Dims] values.</param>
/// <param name="Rows">Points.</param>
/// <param name="Dims">Values per point.</param>
public sealed record ProjectorTensor(string Name, float[] Values, int Rows, int Dims);

/// <summary>Per point labels for the projector: one column per entry of <see cref="Names"/>.</summary>
/// <param name="Names">Column names (the header row, written only with two or more columns, as the projector expects).</param>
/// <param name="Rows">One list of cell texts per point, in column order.</param>
public sealed record ProjectorMetadata(IReadOnlyList<string> Names, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A sprite sheet: the point images in a square grid, row-major, each <see cref="Width"/>×<see cref="Height"/>.</summary>
/// <param name="Png">The encoded image.</param>
/// <param name="Width">One image's width in pixels.</param>
/// <param name="Height">One image's height.</param>
public sealed record ProjectorSprite(byte[] Png, int Width, int Height);

/// <summary>
/// Writes the projector plugin's files into a TensorBoard run folder: <c>projector_config.pbtxt</c> (one
/// <c>embeddings { }</c> block per tensor, text-format protobuf of the plugin's ProjectorConfig), one
/// tab-separated <c>tensors/NN.tsv</c> per tensor (a row per point, no header), <c>metadata.tsv</c> and
/// <c>sprite.png</c> shared by all tensors. The projector splits metadata on tabs and newlines, so a tab, a newline or
/// a carriage return inside a cell is written as the two characters \t, \n or \r (and a backslash as \\).
/// </summary>
public static class ProjectorFiles
{
    /// <summary>The config file's name, which the projector looks for in each run folder.</summary>
    public const string ConfigFile = "projector_config.pbtxt";

    /// <summary>Writes the files; returns the paths written, the config first.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<ProjectorTensor> tensors, ProjectorMetadata? metadata = null, ProjectorSprite? sprite = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var t in tensors)
        {
            if (t.Values.LongLength != (long)t.Rows * t.Dims)
                throw new ArgumentException($"tensor '{t.Name}' has {t.Values.LongLength} values, not {t.Rows}×{t.Dims}.", nameof(tensors));
            if (metadata is not null && metadata.Rows.Count != t.Rows)
                throw new ArgumentException($"tensor '{t.Name}' has {t.Rows} points but the metadata {metadata.Rows.Count} rows.", nameof(metadata));
        }
        Directory.CreateDirectory(Path.Combine(folder, "tensors"));
        var written = new List<string>();
        var config = new StringBuilder();
        for (int i = 0; i < tensors.Count; i++)
        {
            string relative = $"tensors/{i:000}.tsv";
            AtomicFile.WriteAllText(Path.Combine(folder, relative), TensorTsv(tensors[i]));
            written.Add(Path.Combine(folder, relative));
            config.Append("embeddings {\n");
            config.Append($"  tensor_name: {Quote(tensors[i].Name)}\n");
            config.Append($"  tensor_shape: {tensors[i].Rows}\n  tensor_shape: {tensors[i].Dims}\n");
            config.Append($"  tensor_path: {Quote(relative)}\n");
            if (metadata is not null) config.Append("  metadata_path: \"metadata.tsv\"\n");
            if (sprite is not null)
                config.Append($"  sprite {{\n    image_path: \"sprite.png\"\n    single_image_dim: {sprite.Width}\n    single_image_dim: {sprite.Height}\n  }}\n");
            config.Append("}\n");
        }
        if (metadata is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, "metadata.tsv"), MetadataTsv(metadata));
            written.Add(Path.Combine(folder, "metadata.tsv"));
        }
        if (sprite is not null)
        {
            AtomicFile.WriteAllBytes(Path.Combine(folder, "sprite.png"), sprite.Png);
            written.Add(Path.Combine(folder, "sprite.png"));
        }
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), config.ToString());
        written.Insert(0, Path.Combine(folder, ConfigFile));
        return written;
    }

    /// <summary>The tensor as TSV: a line per point, values separated by tabs, shortest round-trip form.</summary>
    public static string TensorTsv(ProjectorTensor tensor)
    {
        var text = new StringBuilder();
        for (int r = 0; r < tensor.Rows; r++)
        {
            for (int d = 0; d < tensor.Dims; d++)
            {
                if (d > 0) text.Append('\t');
                text.Append(tensor.Values[(long)r * tensor.Dims + d].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The metadata as TSV: a header row when there are two or more columns, then a line per point.</summary>
    public static string MetadataTsv(ProjectorMetadata metadata)
    {
        var text = new StringBuilder();
        if (metadata.Names.Count > 1) text.Append(string.Join('\t', metadata.Names.Select(Escape))).Append('\n');
        foreach (var row in metadata.Rows)
        {
            if (row.Count != metadata.Names.Count)
                throw new ArgumentException($"a metadata row has {row.Count} cells for {metadata.Names.Count} columns.", nameof(metadata));
            text.Append(string.Join('\t', row.Select(Escape))).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A cell with its tab, newline, carriage return and backslash written as \t, \n, \r and \\.</summary>
    public static string Escape(string cell) =>
        cell.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    // Text-format protobuf string: C escapes for the quote, the backslash and control characters.
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' => $"\\{Convert.ToString(c, 8).PadLeft(3, '0')}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
