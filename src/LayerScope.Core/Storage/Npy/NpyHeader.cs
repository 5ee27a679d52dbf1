namespace LayerScope.Storage.Npy;

/// <summary>The header of an NPY file; <paramref name="DataOffset"/> is where the values start.</summary>
public sealed record NpyHeader(NpyElementType ElementType, bool IsBigEndian, bool FortranOrder, long[] Shape, long DataOffset);
