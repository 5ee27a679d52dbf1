namespace LayerScope.Storage.Npy;

/// <summary>Element types an NPY file can hold in LayerScope.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "The members name NumPy dtypes, which are type names.")]
public enum NpyElementType
{
    Bool,
    Int8,
    UInt8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
}
