namespace LayerScope.Storage.Npy;

/// <summary>What an .npy file's header says about the data that follows it.</summary>
/// <param name="ElementType">The element type of the data.</param>
/// <param name="IsBigEndian">True when the file stores multi-byte elements most significant byte first ('&gt;').</param>
/// <param name="FortranOrder">True when the file stores the data in column-major order. <see cref="NpyReader.Read(Stream, string)"/>
/// returns C order either way.</param>
/// <param name="Shape">The size of each dimension; empty for a scalar.</param>
/// <param name="DataOffset">Bytes from the start of the .npy content to its first data byte.</param>
public sealed record NpyHeader(NpyElementType ElementType, bool IsBigEndian, bool FortranOrder, long[] Shape, long DataOffset)
{
    /// <summary>The number of elements, the product of <see cref="Shape"/>. <see cref="NpyReader.ReadHeader"/> has
    /// checked that it and <see cref="DataBytes"/> fit in 64 bits.</summary>
    public long ElementCount => Arrays.Shapes.Product(Shape);

    /// <summary>The bytes of data the shape and element type call for.</summary>
    public long DataBytes => ElementCount * NpyElementTypes.ItemSize(ElementType);
}
