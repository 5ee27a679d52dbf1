using System.Globalization;
using LayerScope.Errors;

namespace LayerScope.Data.Loaders;

/// <summary>
/// Reads the UCI banknote authentication file: comma-separated lines without a header, each with four features of
/// a wavelet-transformed banknote image (variance, skewness, curtosis, entropy) and the class, 0 (genuine) or 1
/// (forged). The published file has 1372 rows: 762 of class 0 and 610 of class 1.
/// </summary>
public static class BanknoteLoader
{
    /// <summary>The file's name in the data set's folder.</summary>
    public const string FileName = "data_banknote_authentication.txt";

    /// <summary>The four feature columns, as UCI names them (including its spelling "curtosis").</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = ["variance", "skewness", "curtosis", "entropy"];

    /// <summary>Class 0 and class 1.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["genuine", "forged"];

    private const string ExpectedLine = "5 comma-separated numbers (variance, skewness, curtosis, entropy, class 0 or 1)";

    /// <summary>Reads the file from the data directory chosen by <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="LayerScopeException">The file is missing (the message says how to get it) or malformed.</exception>
    public static LabeledTable Load(DataDirectoryChoice dataDirectory) =>
        Load(DataSetCatalog.Banknote.FindFile(FileName, dataDirectory));

    /// <summary>Reads <paramref name="path"/>. Blank lines are skipped.</summary>
    /// <exception cref="DataFormatException">A line is not five numbers ending in class 0 or 1; the message names the
    /// file and the line.</exception>
    public static LabeledTable Load(string path)
    {
        var features = new List<float>();
        var labels = new List<int>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split(',');
            if (parts.Length != 5) throw Malformed(path, lineNumber, line);
            for (var column = 0; column < 4; column++)
            {
                if (!float.TryParse(parts[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                    throw Malformed(path, lineNumber, line);
                features.Add(value);
            }
            labels.Add(parts[4].Trim() switch
            {
                "0" => 0,
                "1" => 1,
                _ => throw Malformed(path, lineNumber, line),
            });
        }
        if (labels.Count == 0)
            throw new DataFormatException(path, "line 1", ExpectedLine, lineNumber == 0 ? "an empty file" : "only blank lines");
        return new LabeledTable([.. features], labels.Count, 4, [.. labels], FeatureNames, ClassNames, path);
    }

    private static DataFormatException Malformed(string path, int lineNumber, string line)
    {
        const int shown = 60;
        var text = line.Length > shown ? line[..shown] + "..." : line;
        return new DataFormatException(path, $"line {lineNumber}", ExpectedLine, $"'{text}'");
    }
}
