namespace LayerScope.Testing;

/// <summary>
/// Finds the real data sets and reference models for tests. The folder is the <c>LAYERSCOPE_DATA</c> setting when
/// given, else <c>../shared/data</c> beside the repository (where CI places it). Reference ONNX models are looked up
/// in <c>LAYERSCOPE_ONNX</c>, else <c>../shared/onnx</c>.
/// </summary>
public static class TestData
{
    /// <summary>The data-set folder, or null when it does not exist.</summary>
    public static string? DataDirectory => Existing(Environment.GetEnvironmentVariable("LAYERSCOPE_DATA"), "data");

    /// <summary>The folder with reference ONNX models and activations, or null when it does not exist.</summary>
    public static string? OnnxDirectory => Existing(Environment.GetEnvironmentVariable("LAYERSCOPE_ONNX"), "onnx");

    /// <summary>True when running in CI, where missing data is a failure instead of a skip.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The path of <paramref name="relative"/> inside the data folder. Fails with a message saying how to
    /// provide the data when it is missing.</summary>
    public static string DataFile(string relative) => Require(DataDirectory, relative, "LAYERSCOPE_DATA", "data");

    /// <summary>The path of <paramref name="relative"/> inside the reference-model folder.</summary>
    public static string OnnxFile(string relative) => Require(OnnxDirectory, relative, "LAYERSCOPE_ONNX", "onnx");

    /// <summary>Why a test needing <paramref name="relative"/> in the data folder must be skipped, or null when the file
    /// is there or when running in CI (where the test must run and fail instead).</summary>
    public static string? SkipReasonForData(string relative) => SkipReason(DataDirectory, relative, "LAYERSCOPE_DATA", "data");

    /// <summary>Like <see cref="SkipReasonForData"/> for the reference-model folder.</summary>
    public static string? SkipReasonForOnnx(string relative) => SkipReason(OnnxDirectory, relative, "LAYERSCOPE_ONNX", "onnx");

    /// <summary>The repository root (the folder holding LayerScope.slnx), found upward from the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "LayerScope.slnx"))) return folder.FullName;
            throw new InvalidOperationException($"No LayerScope.slnx above {AppContext.BaseDirectory}.");
        }
    }

    private static string? Existing(string? setting, string sharedName)
    {
        if (!string.IsNullOrWhiteSpace(setting)) return Directory.Exists(setting) ? Path.GetFullPath(setting) : null;
        var beside = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", sharedName));
        return Directory.Exists(beside) ? beside : null;
    }

    private static string? SkipReason(string? folder, string relative, string setting, string sharedName)
    {
        if (InCi) return null;
        if (folder is not null && File.Exists(Path.Combine(folder, relative))) return null;
        return $"{relative} not found: set {setting} to a folder holding it, or place ../shared/{sharedName} beside the repository.";
    }

    private static string Require(string? folder, string relative, string setting, string sharedName)
    {
        var path = folder is null ? null : Path.Combine(folder, relative);
        if (path is null || !File.Exists(path))
            throw new InvalidOperationException(
                $"Test data {relative} is missing{(folder is null ? "" : $" from {folder}")}: set {setting} or place ../shared/{sharedName} beside the repository. "
                + (InCi ? "CI=true, so missing data fails the test." : ""));
        return path;
    }
}
