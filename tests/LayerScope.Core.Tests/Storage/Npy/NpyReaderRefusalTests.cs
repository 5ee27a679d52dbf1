using LayerScope.Errors;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage.Npy;

/// <summary>Files LayerScope must not read: each refusal names the file, the field and what was found.</summary>
public class NpyReaderRefusalTests
{
    [Fact]
    public void Object_arrays_are_refused_without_unpickling()
    {
        var error = ReadFile(NpyBytes.File("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[40]));

        Assert.Equal("header 'descr'", error.Field);
        Assert.Contains("'|O' (object array; LayerScope never unpickles)", error.Message);
        Assert.Contains("a numeric dtype such as '<f4'", error.Message);
    }

    [Fact]
    public void Pickled_files_are_refused_without_unpickling()
    {
        // pickle.dumps({'a': 1}, protocol=2)
        var error = ReadFile([0x80, 0x02, 0x7d, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x4b, 0x01, 0x73, 0x2e]);

        Assert.Equal("magic", error.Field);
        Assert.Contains("pickle", error.Message);
        Assert.Contains("never unpickles", error.Message);
    }

    [Theory]
    [InlineData("[('x', '<f4'), ('y', '<i4')]", "structured dtype")]
    [InlineData("'<U5'", "unicode string")]
    [InlineData("'|S3'", "bytes string")]
    [InlineData("'<c16'", "complex")]
    [InlineData("'<f2'", "float16")]
    [InlineData("'<M8[ns]'", "datetimes")]
    [InlineData("'<i3'", "item size")]
    public void Non_numeric_dtypes_are_refused_with_what_they_are(string descr, string explanation)
    {
        var error = ReadFile(NpyBytes.File($"{{'descr': {descr}, 'fortran_order': False, 'shape': (1,), }}", new byte[16]));

        Assert.Equal("header 'descr'", error.Field);
        Assert.Contains(explanation, error.Actual);
    }

    [Fact]
    public void Truncated_data_is_refused_with_the_bytes_needed_and_found()
    {
        var error = ReadFile(NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (100, 4), }", new byte[1200]));

        Assert.Equal("data", error.Field);
        Assert.Contains("1600 bytes", error.Message);
        Assert.Contains("only 1200 bytes", error.Message);
        Assert.Contains("(100, 4)", error.Message);
    }

    [Fact]
    public void Wrong_magic_is_refused()
    {
        var error = ReadFile("PK\x03\x04 this is a zip, not an npy file"u8.ToArray());

        Assert.Equal("magic", error.Field);
        Assert.Contains("\\x93NUMPY", error.Message);
        Assert.Contains("504B0304", error.Message);
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var error = ReadFile([]);

        Assert.Equal("magic", error.Field);
        Assert.Contains("an empty file", error.Message);
    }

    [Fact]
    public void Unknown_format_version_is_refused()
    {
        var bytes = NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[6] = 4;

        var error = ReadFile(bytes);

        Assert.Equal("format version", error.Field);
        Assert.Contains("4.0", error.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", "closing")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} trailing", "after the closing")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': __import__('os'), }", "unexpected '_'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5, 3), }", "only integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", "trailing comma")]
    [InlineData("{'descr' '<f4', 'fortran_order': False, 'shape': (3,), }", "expected ':' after the key 'descr'")]
    [InlineData("descr: <f4", "does not start with '{'")]
    public void Malformed_header_dicts_are_refused_with_the_position(string header, string problem)
    {
        var error = ReadFile(NpyBytes.File(header, new byte[24]));

        Assert.Equal("header", error.Field);
        Assert.Contains(problem, error.Actual);
        Assert.Contains("at character", error.Actual);
    }

    [Fact]
    public void Negative_dimensions_are_refused()
    {
        var error = ReadFile(NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }", new byte[12]));

        Assert.Equal("header 'shape'", error.Field);
        Assert.Contains("(3, -1)", error.Message);
        Assert.Contains("non-negative", error.Message);
    }

    [Fact]
    public void Missing_keys_are_refused_by_name()
    {
        var error = ReadFile(NpyBytes.File("{'descr': '<f4', 'shape': (3,), }", new byte[12]));

        Assert.Equal("header 'fortran_order'", error.Field);
    }

    [Fact]
    public void Non_boolean_fortran_order_is_refused()
    {
        var error = ReadFile(NpyBytes.File("{'descr': '<f4', 'fortran_order': 'yes', 'shape': (3,), }", new byte[12]));

        Assert.Equal("header 'fortran_order'", error.Field);
        Assert.Contains("'yes'", error.Message);
    }

    [Fact]
    public void Truncated_header_is_refused()
    {
        var bytes = NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", []);

        var error = ReadFile(bytes[..30]);

        Assert.Equal("header", error.Field);
        Assert.Contains("only 20 before the end of the file", error.Message);
    }

    /// <summary>Writes <paramref name="bytes"/> to a file, reads it, and checks the error names that file.</summary>
    [Fact]
    public void Deeply_nested_header_values_are_refused_instead_of_overflowing_the_stack()
    {
        // 25,000 nested lists: a 50 KB header that used to end the process with a stack overflow.
        var nested = new string('[', 25_000) + new string(']', 25_000);
        var error = ReadFile(NpyBytes.File($"{{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': {nested}, }}", new byte[4], major: 2));

        Assert.Equal("header", error.Field);
        Assert.Contains("nest deeper than 32 levels", error.Message);
    }

    [Fact]
    public void Header_values_nested_a_few_levels_are_still_read()
    {
        var array = NpyBytes.ReadBytes(NpyBytes.File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': [[(1, {'y': [2]})]], }", new byte[4]));

        Assert.Equal([1L], array.Shape);
    }

    [Theory]
    [InlineData("(4611686018427387904, 4)")] // (2**62, 4): 2**64 elements
    [InlineData("(1073741824, 1073741824, 8)")] // 2**63 elements
    [InlineData("(3000000000, 0)")] // no elements, but a row count no index can hold
    public void Shapes_whose_sizes_overflow_are_refused_by_the_header_alone(string shape)
    {
        // The header is what RunManifestReader and the ONNX row reader look at: it must not pass such a shape on.
        using var stream = new MemoryStream(NpyBytes.File($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}", []));

        var error = Assert.Throws<DataFormatException>(() => NpyReader.ReadHeader(stream, "huge.npy"));

        Assert.Equal("header 'shape'", error.Field);
    }

    [Fact]
    public void A_shape_whose_byte_size_overflows_names_the_element_size()
    {
        // 2**62 elements fit in 64 bits; their 8-byte values do not.
        using var stream = new MemoryStream(NpyBytes.File("{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824, 1073741824, 4), }", []));

        var error = Assert.Throws<DataFormatException>(() => NpyReader.ReadHeader(stream, "huge.npy"));

        Assert.Contains("8-byte elements", error.Message);
    }

    private static DataFormatException ReadFile(byte[] bytes)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("suspect.npy");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => NpyReader.Read(path));

        Assert.Equal(path, error.File);
        Assert.StartsWith(path + ": " + error.Field + ": expected ", error.Message);
        return error;
    }
}
