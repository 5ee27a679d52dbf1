namespace LayerScope.Storage.Npy;

/// <summary>Element types of NPY arrays. TEMP stand-in until the storage branch is merged.</summary>
#pragma warning disable CA1720 // the names are the NPY dtypes
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
#pragma warning restore CA1720
