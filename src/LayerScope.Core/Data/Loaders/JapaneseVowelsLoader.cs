using System.Globalization;
using LayerScope.Errors;

namespace LayerScope.Data.Loaders;

/// <summary>
/// Reads the UCI Japanese Vowels files (Kudo, Toyama, Shimbo 1999): nine male speakers uttering /ae/. Each line of
/// <c>ae.train</c> / <c>ae.test</c> is one frame of 12 LPC cepstrum coefficients; a line of twelve <c>1.0</c> ends a
/// sequence. Sequences are grouped by speaker, in speaker order, and <c>size_ae.train</c> / <c>size_ae.test</c> give
/// the number of sequences of each speaker. The published files hold 270 training sequences (30 per speaker) and 370
/// test sequences (31 35 88 44 29 24 40 50 29), 7 to 29 frames long.
/// </summary>
public static class JapaneseVowelsLoader
{
    /// <summary>The training sequences' file.</summary>
    public const string TrainFile = "ae.train";

    /// <summary>The test sequences' file.</summary>
    public const string TestFile = "ae.test";

    /// <summary>Sequences per speaker in <see cref="TrainFile"/>.</summary>
    public const string TrainSizesFile = "size_ae.train";

    /// <summary>Sequences per speaker in <see cref="TestFile"/>.</summary>
    public const string TestSizesFile = "size_ae.test";

    /// <summary>Values per frame.</summary>
    public const int FrameSize = 12;

    /// <summary>"LPC 1" to "LPC 12": the cepstrum coefficients of a frame.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = Enumerable.Range(1, FrameSize).Select(i => $"LPC {i}").ToArray();

    /// <summary>"speaker 1" to "speaker 9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(1, 9).Select(i => $"speaker {i}").ToArray();

    private const string ExpectedFrame = "12 numbers (one frame of LPC cepstrum coefficients, or twelve 1.0 ending a sequence)";

    /// <summary>Reads the training sequences from the data directory chosen by <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="LayerScopeException">A file is missing (the message says how to get it) or malformed.</exception>
    public static LabeledSequences LoadTrain(DataDirectoryChoice dataDirectory) =>
        Load(DataSetCatalog.JapaneseVowels.FindFile(TrainFile, dataDirectory), DataSetCatalog.JapaneseVowels.FindFile(TrainSizesFile, dataDirectory));

    /// <summary>Reads the test sequences from the data directory chosen by <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="LayerScopeException">A file is missing (the message says how to get it) or malformed.</exception>
    public static LabeledSequences LoadTest(DataDirectoryChoice dataDirectory) =>
        Load(DataSetCatalog.JapaneseVowels.FindFile(TestFile, dataDirectory), DataSetCatalog.JapaneseVowels.FindFile(TestSizesFile, dataDirectory));

    /// <summary>Reads the sequences of <paramref name="path"/>, labelled by speaker with the counts in
    /// <paramref name="sizesPath"/>. Blank lines are skipped; line ends may be CRLF or LF.</summary>
    /// <exception cref="DataFormatException">A line is not 12 numbers, the last sequence is not ended, or the counts
    /// disagree; the message names the file and the line.</exception>
    public static LabeledSequences Load(string path, string sizesPath)
    {
        var sizes = ReadSizes(sizesPath);
        var sequences = new List<float[]>();
        var frames = new List<float>();
        var lineNumber = 0;
        var lastFrameLine = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != FrameSize) throw Malformed(path, lineNumber, line);
            var frame = new float[FrameSize];
            for (var i = 0; i < FrameSize; i++)
            {
                if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out frame[i]) || !float.IsFinite(frame[i]))
                    throw Malformed(path, lineNumber, line);
            }
            if (Array.TrueForAll(frame, v => v == 1f))
            {
                if (frames.Count == 0)
                    throw new DataFormatException(path, $"line {lineNumber}", "at least one frame before the line of twelve 1.0 that ends a sequence", "an empty sequence");
                sequences.Add([.. frames]);
                frames.Clear();
                continue;
            }
            frames.AddRange(frame);
            lastFrameLine = lineNumber;
        }
        if (frames.Count > 0)
            throw new DataFormatException(path, $"line {lastFrameLine}", "the last sequence to end with a line of twelve 1.0", "the end of the file");
        if (sequences.Count == 0)
            throw new DataFormatException(path, "line 1", ExpectedFrame, lineNumber == 0 ? "an empty file" : "only blank lines");
        // Summed in 64 bits: nine counts near int.MaxValue must read as a count mismatch, not overflow.
        var listed = sizes.Sum(s => (long)s);
        if (sequences.Count != listed)
            throw new DataFormatException(path, "sequence count", $"{listed} sequences, as {sizesPath} lists per speaker", $"{sequences.Count}");

        var labels = new int[sequences.Count];
        var next = 0;
        for (var speaker = 0; speaker < sizes.Length; speaker++)
            for (var k = 0; k < sizes[speaker]; k++) labels[next++] = speaker;
        return new LabeledSequences(sequences, FrameSize, labels, FeatureNames, ClassNames, path);
    }

    /// <summary>The nine per-speaker counts of a size file (one line of nine whole numbers).</summary>
    private static int[] ReadSizes(string sizesPath)
    {
        var text = File.ReadAllText(sizesPath);
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var expected = $"{ClassNames.Count} whole numbers (sequences per speaker)";
        if (parts.Length != ClassNames.Count)
            throw new DataFormatException(sizesPath, "line 1", expected, $"{parts.Length} values");
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new DataFormatException(sizesPath, "line 1", expected, $"'{parts[i]}' as value {i + 1}");
        }
        return sizes;
    }

    private static DataFormatException Malformed(string path, int lineNumber, string line)
    {
        const int shown = 60;
        var text = line.Length > shown ? line[..shown] + "..." : line;
        return new DataFormatException(path, $"line {lineNumber}", ExpectedFrame, $"'{text.TrimEnd()}'");
    }
}
