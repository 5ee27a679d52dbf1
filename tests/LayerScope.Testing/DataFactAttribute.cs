using Xunit;

namespace LayerScope.Testing;

/// <summary>A test that needs a file from the real data sets. Skipped, with the reason printed, when the file is
/// missing, except in CI (<c>CI=true</c>), where it runs and fails so missing data cannot go unnoticed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DataFactAttribute : FactAttribute
{
    public DataFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        var reason = TestData.SkipReasonForData(relativePath);
        if (reason is not null) Skip = reason;
    }

    /// <summary>The file, relative to the data folder (e.g. banknote/data_banknote_authentication.txt).</summary>
    public string RelativePath { get; }
}

/// <summary>A test that needs a reference ONNX model file; skipped like <see cref="DataFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnnxFactAttribute : FactAttribute
{
    public OnnxFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        var reason = TestData.SkipReasonForOnnx(relativePath);
        if (reason is not null) Skip = reason;
    }

    /// <summary>The file, relative to the reference-model folder (e.g. cases.json).</summary>
    public string RelativePath { get; }
}

/// <summary>A <see cref="TheoryAttribute"/> that needs a reference ONNX model file; skipped like
/// <see cref="DataFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnnxTheoryAttribute : TheoryAttribute
{
    public OnnxTheoryAttribute(string relativePath)
    {
        var reason = TestData.SkipReasonForOnnx(relativePath);
        if (reason is not null) Skip = reason;
    }
}
