using LayerScope.Storage.Npy;

namespace LayerScope.Onnx;

/// <summary>
/// Rows to feed to one model input: an NPY file (read in row ranges, so it is never loaded whole) or an array in
/// memory. Axis 0 counts the rows.
/// </summary>
public abstract record OnnxInputSource
{
    private protected OnnxInputSource(string? inputName) => InputName = inputName;

    /// <summary>The model input to feed; null when the model has a single input.</summary>
    public string? InputName { get; }

    /// <summary>Rows from an NPY file (float32, float64, int64 or int32, little-endian, C order).</summary>
    public static OnnxInputSource FromFile(string path, string? inputName = null) => new OnnxInputFile(path, inputName);

    /// <summary>Rows from an array in memory.</summary>
    public static OnnxInputSource FromArray(NpyArray array, string? inputName = null) => new OnnxInputArray(array, inputName);

    /// <summary>A name for messages: the file path or "array".</summary>
    public abstract string SourceName { get; }

    internal abstract IRowSource Open();
}

/// <summary>Rows from an NPY file.</summary>
public sealed record OnnxInputFile : OnnxInputSource
{
    internal OnnxInputFile(string path, string? inputName) : base(inputName) => Path = path;

    public string Path { get; }

    public override string SourceName => Path;

    internal override IRowSource Open() => new NpyFileRows(Path);
}

/// <summary>Rows from an array in memory.</summary>
public sealed record OnnxInputArray : OnnxInputSource
{
    internal OnnxInputArray(NpyArray array, string? inputName) : base(inputName) => Array = array;

    public NpyArray Array { get; }

    public override string SourceName => "array " + (InputName ?? "input");

    internal override IRowSource Open() => new ArrayRows(Array, SourceName);
}
