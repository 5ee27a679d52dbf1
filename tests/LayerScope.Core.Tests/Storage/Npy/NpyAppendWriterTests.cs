using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage.Npy;

public class NpyAppendWriterTests
{
    [Fact]
    public void Rows_appended_in_uneven_chunks_read_back_as_one_array()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("activations.npy");
        var values = Enumerable.Range(0, 7 * 2 * 3).Select(i => i * 0.25f).ToArray();

        using (var writer = new NpyAppendWriter(path, NpyElementType.Float32, 2, 3))
        {
            writer.Append<float>(values.AsSpan(0, 6));   // 1 row
            writer.Append<float>(values.AsSpan(6, 0));   // none
            writer.Append<float>(values.AsSpan(6, 24));  // 4 rows
            writer.Append<float>(values.AsSpan(30, 12)); // 2 rows
            Assert.Equal(7, writer.Rows);
            Assert.False(File.Exists(path), "the target must not appear before Complete");
            writer.Complete();
        }

        var read = NpyReader.Read(path);
        Assert.Equal(new long[] { 7, 2, 3 }, read.Shape);
        Assert.Equal(values, read.GetData<float>());
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Without_trailing_shape_the_file_is_one_dimensional()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("labels.npy");

        using (var writer = new NpyAppendWriter(path, NpyElementType.Int64))
        {
            writer.Append<long>([3, 1]);
            writer.Append<long>([4]);
            writer.Complete();
        }

        var read = NpyReader.Read(path);
        Assert.Equal(new long[] { 3 }, read.Shape);
        Assert.Equal(new long[] { 3, 1, 4 }, read.Data);
    }

    [Fact]
    public void A_completed_file_with_no_rows_has_an_empty_first_dimension()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("empty.npy");

        using (var writer = new NpyAppendWriter(path, NpyElementType.Float64, 4))
            writer.Complete();

        Assert.Equal(new long[] { 0, 4 }, NpyReader.Read(path).Shape);
    }

    [Fact]
    public void Header_keeps_its_reserved_length_so_data_starts_where_it_was_written()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("rows.npy");

        using (var writer = new NpyAppendWriter(path, NpyElementType.UInt8, 3))
        {
            writer.Append<byte>([1, 2, 3]);
            writer.Complete();
        }

        using var stream = File.OpenRead(path);
        var header = NpyReader.ReadHeader(stream, path);
        Assert.Equal(0, header.DataOffset % 64);
        Assert.Equal(header.DataOffset + 3, stream.Length);
    }

    [Fact]
    public void Dispose_without_complete_leaves_no_file_and_no_temporary_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("abandoned.npy");

        using (var writer = new NpyAppendWriter(path, NpyElementType.Int32, 2))
            writer.Append<int>([1, 2, 3, 4]);

        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Dispose_without_complete_leaves_an_existing_file_untouched()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("previous.npy");
        NpyWriter.Write(path, NpyArray.Create(new[] { 1.0 }, 1));

        using (var writer = new NpyAppendWriter(path, NpyElementType.Float64))
            writer.Append<double>([2.0, 3.0]);

        Assert.Equal(new[] { 1.0 }, NpyReader.Read(path).Data);
        Assert.Single(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Partial_rows_and_wrong_element_types_are_refused()
    {
        using var folder = new TemporaryFolder();
        using var writer = new NpyAppendWriter(folder.File("x.npy"), NpyElementType.Float32, 3);

        var partial = Assert.Throws<ArgumentException>(() => writer.Append<float>([1, 2, 3, 4]));
        var wrongType = Assert.Throws<ArgumentException>(() => writer.Append<double>([1, 2, 3]));

        Assert.Contains("not whole rows of 3", partial.Message);
        Assert.Contains("float32", wrongType.Message);
        Assert.Contains("Double", wrongType.Message);
        Assert.Equal(0, writer.Rows);
    }

    [Fact]
    public void Appending_after_complete_is_refused()
    {
        using var folder = new TemporaryFolder();
        using var writer = new NpyAppendWriter(folder.File("done.npy"), NpyElementType.Int8);
        writer.Complete();

        Assert.Throws<InvalidOperationException>(() => writer.Append<sbyte>([1]));
    }
}
