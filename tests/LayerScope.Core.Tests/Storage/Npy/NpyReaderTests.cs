using System.Buffers.Binary;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage.Npy;

public class NpyReaderTests
{
    [OnnxFact("mlp_input.npy")]
    public void Numpy_written_reference_input_reads_as_100_by_4_float32()
    {
        var array = NpyReader.Read(TestData.OnnxFile("mlp_input.npy"));

        Assert.Equal(NpyElementType.Float32, array.ElementType);
        Assert.Equal(new long[] { 100, 4 }, array.Shape);
        Assert.Equal(400, array.GetData<float>().Length);
        Assert.All(array.GetData<float>(), value => Assert.True(float.IsFinite(value)));
    }

    [OnnxFact("mlp_ref_act.npy")]
    public void Numpy_written_reference_activations_read_as_100_by_3()
    {
        var header = ReadHeader(TestData.OnnxFile("mlp_ref_act.npy"));
        var array = NpyReader.Read(TestData.OnnxFile("mlp_ref_act.npy"));

        Assert.Equal(new long[] { 100, 3 }, array.Shape);
        Assert.Equal(128, header.DataOffset);
        Assert.Equal(new FileInfo(TestData.OnnxFile("mlp_ref_act.npy")).Length, header.DataOffset + 4 * array.Length);
    }

    [OnnxFact("seq_lstm_input.npy")]
    public void Numpy_written_sequence_input_reads_as_three_dimensional()
    {
        var array = NpyReader.Read(TestData.OnnxFile("seq_lstm_input.npy"));

        Assert.Equal(new long[] { 16, 25, 12 }, array.Shape);
        Assert.Equal(16 * 25 * 12, array.ToFloat64().Length);
    }

    [OnnxFact("mlp_input.npy")]
    public void Numpy_written_file_round_trips_byte_for_byte_through_the_writer()
    {
        var original = File.ReadAllBytes(TestData.OnnxFile("mlp_input.npy"));
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, NpyBytes.ReadBytes(original));

        Assert.Equal(original, stream.ToArray());
    }

    [Fact]
    public void Fortran_order_file_reads_in_c_order()
    {
        // np.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores the columns one after the other: 1 4 2 5 3 6.
        var bytes = NpyBytes.File("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
            NpyBytes.LittleEndianFloats(1, 4, 2, 5, 3, 6));

        var array = NpyBytes.ReadBytes(bytes);

        Assert.Equal(new long[] { 2, 3 }, array.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, array.Data);
    }

    [Fact]
    public void Fortran_order_three_dimensional_file_reads_in_c_order()
    {
        // Element (i, j, k) of shape (2, 3, 4) has value 100i + 10j + k; Fortran order varies i fastest.
        var values = new List<short>();
        for (var k = 0; k < 4; k++)
            for (var j = 0; j < 3; j++)
                for (var i = 0; i < 2; i++)
                    values.Add((short)(100 * i + 10 * j + k));
        var data = values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();

        var array = NpyBytes.ReadBytes(NpyBytes.File("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3, 4), }", data));

        var expected = new List<short>();
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 4; k++)
                    expected.Add((short)(100 * i + 10 * j + k));
        Assert.Equal(expected, array.GetData<short>());
    }

    [Fact]
    public void Big_endian_values_read_correctly()
    {
        var floats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -2.25f);
        var longs = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(longs, 0x0102030405060708);
        BinaryPrimitives.WriteInt64BigEndian(longs.AsSpan(8), -3);
        var shorts = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(shorts, 0xABCD);
        BinaryPrimitives.WriteUInt16BigEndian(shorts.AsSpan(2), 1);

        var f4 = NpyBytes.ReadBytes(NpyBytes.File("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", floats));
        var i8 = NpyBytes.ReadBytes(NpyBytes.File("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", longs));
        var u2 = NpyBytes.ReadBytes(NpyBytes.File("{'descr': '>u2', 'fortran_order': False, 'shape': (2,), }", shorts));

        Assert.Equal(new[] { 1.5f, -2.25f }, f4.GetData<float>());
        Assert.Equal(new[] { 0x0102030405060708L, -3L }, i8.GetData<long>());
        Assert.Equal(new ushort[] { 0xABCD, 1 }, u2.GetData<ushort>());
    }

    [Fact]
    public void Header_reports_byte_order_order_and_shape_without_reading_data()
    {
        var bytes = NpyBytes.File("{'descr': '>f8', 'fortran_order': True, 'shape': (3, 5), }", []);
        using var stream = new MemoryStream(bytes);

        var header = NpyReader.ReadHeader(stream, "header-only.npy");

        // Field by field: a record compares its Shape array by reference, so a whole-record comparison would need
        // header.Shape itself and could never catch a wrong shape.
        Assert.Equal(NpyElementType.Float64, header.ElementType);
        Assert.True(header.IsBigEndian);
        Assert.True(header.FortranOrder);
        Assert.Equal(new long[] { 3, 5 }, header.Shape);
        Assert.Equal(128, header.DataOffset);
        Assert.Equal(128, stream.Position);
    }

    [Theory]
    [InlineData("|b1", NpyElementType.Bool)]
    [InlineData("|i1", NpyElementType.Int8)]
    [InlineData("|u1", NpyElementType.UInt8)]
    [InlineData("<i2", NpyElementType.Int16)]
    [InlineData("<u2", NpyElementType.UInt16)]
    [InlineData("<i4", NpyElementType.Int32)]
    [InlineData("<u4", NpyElementType.UInt32)]
    [InlineData("<i8", NpyElementType.Int64)]
    [InlineData("<u8", NpyElementType.UInt64)]
    [InlineData("<f4", NpyElementType.Float32)]
    [InlineData("<f8", NpyElementType.Float64)]
    [InlineData("=f8", NpyElementType.Float64)]
    [InlineData("?", NpyElementType.Bool)]
    public void Every_numeric_descr_is_understood(string descr, NpyElementType expected)
    {
        var size = expected switch
        {
            NpyElementType.Bool or NpyElementType.Int8 or NpyElementType.UInt8 => 1,
            NpyElementType.Int16 or NpyElementType.UInt16 => 2,
            NpyElementType.Int32 or NpyElementType.UInt32 or NpyElementType.Float32 => 4,
            _ => 8,
        };
        var data = new byte[3 * size];
        data[0] = 1; // the first element is 1 (little endian) in every type except the floats

        var array = NpyBytes.ReadBytes(NpyBytes.File($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3,), }}", data));

        Assert.Equal(expected, array.ElementType);
        Assert.Equal(3, array.Length);
        if (expected is not (NpyElementType.Float32 or NpyElementType.Float64))
            Assert.Equal(new long[] { 1, 0, 0 }, array.ToInt64());
    }

    [Fact]
    public void Bool_bytes_other_than_one_read_as_true()
    {
        var array = NpyBytes.ReadBytes(NpyBytes.File("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [0, 1, 7]));

        Assert.Equal(new[] { false, true, true }, array.GetData<bool>());
        Assert.Equal(new long[] { 0, 1, 1 }, array.ToInt64());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Format_versions_2_and_3_read_like_version_1(int major)
    {
        var bytes = NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", NpyBytes.LittleEndianFloats(7, 8), major);

        Assert.Equal(new[] { 7f, 8f }, NpyBytes.ReadBytes(bytes).Data);
    }

    [Fact]
    public void Header_parser_accepts_double_quotes_python2_longs_and_other_key_orders()
    {
        var bytes = NpyBytes.File("{\"shape\": (2L, 1L), \"fortran_order\": False, \"descr\": \"<i4\"}",
            [5, 0, 0, 0, 6, 0, 0, 0]);

        var array = NpyBytes.ReadBytes(bytes);

        Assert.Equal(new long[] { 2, 1 }, array.Shape);
        Assert.Equal(new[] { 5, 6 }, array.Data);
    }

    private static NpyHeader ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return NpyReader.ReadHeader(stream, path);
    }
}
