using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage.Npy;

public class NpyRoundTripTests
{
    public static TheoryData<NpyArray> Arrays() => new()
    {
        NpyArray.Create(new[] { true, false, true, true, false, false }, 2, 3),
        NpyArray.Create(new sbyte[] { -128, -1, 0, 1, 127, 5 }, 3, 2),
        NpyArray.Create(new byte[] { 0, 1, 128, 255 }, 4),
        NpyArray.Create(new short[] { short.MinValue, -2, 0, short.MaxValue }, 2, 2),
        NpyArray.Create(new ushort[] { 0, 1, ushort.MaxValue }, 3),
        NpyArray.Create(new[] { int.MinValue, -7, 0, 7, int.MaxValue, 42 }, 1, 2, 3),
        NpyArray.Create(new uint[] { 0, 1, uint.MaxValue }, 3),
        NpyArray.Create(new[] { long.MinValue, -1L, 0L, long.MaxValue }, 4, 1),
        NpyArray.Create(new ulong[] { 0, 1, ulong.MaxValue }, 3),
        NpyArray.Create(Enumerable.Range(0, 24).Select(i => i * 0.5f - 3f).ToArray(), 2, 3, 4),
        NpyArray.Create(new[] { double.MinValue, -0.0, double.Epsilon, Math.PI, double.NaN, double.PositiveInfinity }, 6),
        NpyArray.Create(new[] { 3.5f }),              // 0-d scalar
        NpyArray.Create(Array.Empty<float>(), 0, 5),  // empty first dimension
        NpyArray.Create(Array.Empty<long>(), 3, 0),   // empty trailing dimension
    };

    [Theory]
    [MemberData(nameof(Arrays))]
    public void Every_element_type_and_shape_reads_back_as_written(NpyArray array)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("array.npy");

        NpyWriter.Write(path, array);
        var read = NpyReader.Read(path);

        Assert.Equal(array.ElementType, read.ElementType);
        Assert.Equal(array.Shape, read.Shape);
        Assert.Equal(array.Length, read.Length);
        Assert.Equal(array.Data, read.Data);
    }

    [Theory]
    [MemberData(nameof(Arrays))]
    public void Written_data_starts_at_a_multiple_of_64_bytes_as_numpy_requires(NpyArray array)
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, array);
        stream.Position = 0;

        var header = NpyReader.ReadHeader(stream, "memory");

        Assert.Equal(0, header.DataOffset % 64);
        Assert.Equal(header.DataOffset + array.Length * ElementSize(array.ElementType), stream.Length);
        Assert.False(header.IsBigEndian);
        Assert.False(header.FortranOrder);
    }

    [Fact]
    public void Writer_produces_the_same_bytes_as_numpy_for_a_float32_matrix()
    {
        // np.save(f, np.array([[1, 2, 3], [4, 5, 6]], dtype='<f4')) with numpy 1.x/2.x.
        var expected = NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            NpyBytes.LittleEndianFloats(1, 2, 3, 4, 5, 6));
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, NpyArray.Create(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3));

        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void Scalars_and_one_dimensional_shapes_are_written_as_python_tuples()
    {
        Assert.Contains("'shape': (), ", HeaderText(NpyArray.Create(new[] { 1.0 })));
        Assert.Contains("'shape': (7,), ", HeaderText(NpyArray.Create(new int[7], 7)));
    }

    [Fact]
    public void A_header_longer_than_64_KiB_is_written_as_format_2()
    {
        // 22,000 dimensions of 1 spell out a shape of 66,000 characters: more than a u16 header length can count.
        var shape = Enumerable.Repeat(1L, 22_000).ToArray();
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, NpyArray.Create(new[] { 9f }, shape));
        stream.Position = 0;

        Assert.Equal(2, stream.ToArray()[6]);
        var read = NpyReader.Read(stream, "memory");
        Assert.Equal(shape, read.Shape);
        Assert.Equal(new[] { 9f }, read.Data);
    }

    [Fact]
    public void Writing_over_an_existing_file_replaces_it_and_leaves_no_temporary_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("a.npy");
        NpyWriter.Write(path, NpyArray.Create(new[] { 1, 2, 3 }, 3));

        NpyWriter.Write(path, NpyArray.Create(new[] { 4.0 }, 1));

        Assert.Equal(new[] { 4.0 }, NpyReader.Read(path).Data);
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    private static string HeaderText(NpyArray array)
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, array);
        return System.Text.Encoding.Latin1.GetString(stream.ToArray(), 10, 118);
    }

    private static int ElementSize(NpyElementType type) => type switch
    {
        NpyElementType.Bool or NpyElementType.Int8 or NpyElementType.UInt8 => 1,
        NpyElementType.Int16 or NpyElementType.UInt16 => 2,
        NpyElementType.Int32 or NpyElementType.UInt32 or NpyElementType.Float32 => 4,
        _ => 8,
    };
}
