using System.Buffers.Binary;
using System.IO.Compression;
using LayerScope.Data.Loaders;
using LayerScope.Errors;
using LayerScope.Testing;

namespace LayerScope.Tests.Data.Loaders;

public class FashionMnistLoaderTests
{
    private const string TestImages = "fashion-mnist/t10k-images-idx3-ubyte.gz";
    private const string TestLabels = "fashion-mnist/t10k-labels-idx1-ubyte.gz";

    [DataFact(TestImages)]
    public void The_test_set_has_10000_images_of_28_by_28_and_1000_per_class()
    {
        var images = FashionMnistLoader.Load(TestData.DataFile(TestImages), TestData.DataFile(TestLabels));

        Assert.Equal(10000, images.Count);
        Assert.Equal((28, 28), (images.Height, images.Width));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, images.Labels.Count(l => l == c)));
        Assert.InRange(images.Pixels.Min(), 0f, 0f);
        Assert.InRange(images.Pixels.Max(), 1f, 1f);
        Assert.Equal(9, images.Labels[0]); // the first test image is an ankle boot
    }

    [Fact]
    public void A_hand_made_file_reads_back_pixel_for_pixel_plain_or_gzipped()
    {
        using var folder = new TemporaryFolder();
        byte[] pixels = [0, 255, 51, 102, 7, 9, 200, 100, 1, 2, 3, 4];
        File.WriteAllBytes(folder.File("images"), Gzip(Idx(3, [2, 2, 3], pixels)));
        File.WriteAllBytes(folder.File("labels"), Idx(1, [2], [3, 9]));

        var images = FashionMnistLoader.Load(folder.File("images"), folder.File("labels"));

        Assert.Equal((2, 2, 3), (images.Count, images.Height, images.Width));
        Assert.Equal(pixels.Select(p => p / 255f), images.Pixels);
        Assert.Equal([3, 9], images.Labels);
    }

    [Fact]
    public void A_truncated_image_file_is_refused_naming_the_file_and_the_data_field()
    {
        using var folder = new TemporaryFolder();
        var full = Idx(3, [2, 2, 3], new byte[12]);
        File.WriteAllBytes(folder.File("images"), full[..^5]);
        File.WriteAllBytes(folder.File("labels"), Idx(1, [2], [0, 1]));

        var error = Assert.Throws<DataFormatException>(() => FashionMnistLoader.Load(folder.File("images"), folder.File("labels")));

        Assert.Equal(folder.File("images"), error.File);
        Assert.Equal("data", error.Field);
        Assert.Contains("12 bytes", error.Expected);
        Assert.Contains("truncated", error.Actual);
    }

    [Fact]
    public void A_labels_file_given_as_images_is_refused_for_its_magic_number()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("labels"), Idx(1, [2], [0, 1]));

        var error = Assert.Throws<DataFormatException>(() => FashionMnistLoader.Load(folder.File("labels"), folder.File("labels")));

        Assert.Equal("magic number", error.Field);
        Assert.Contains("0x00000801", error.Actual);
        Assert.Contains("0x00000803", error.Expected);
        Assert.Contains(folder.File("labels"), error.Message);
    }

    [Fact]
    public void A_cut_header_an_extra_byte_and_a_count_mismatch_are_each_refused()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("cut"), Idx(3, [2, 2, 3], new byte[12])[..7]);
        File.WriteAllBytes(folder.File("long"), [.. Idx(3, [1, 2, 3], new byte[6]), 0]);
        File.WriteAllBytes(folder.File("images"), Idx(3, [1, 2, 3], new byte[6]));
        File.WriteAllBytes(folder.File("labels"), Idx(1, [2], [0, 1]));
        File.WriteAllBytes(folder.File("bad-label"), Idx(1, [1], [10]));

        Assert.Equal("header", Assert.Throws<DataFormatException>(() => IdxFile.Read(folder.File("cut"), 3)).Field);
        Assert.Contains("trailing", Assert.Throws<DataFormatException>(() => IdxFile.Read(folder.File("long"), 3)).Actual);
        Assert.Equal(folder.File("labels"), Assert.Throws<DataFormatException>(() => FashionMnistLoader.Load(folder.File("images"), folder.File("labels"))).File);
        Assert.Equal("label 0", Assert.Throws<DataFormatException>(() => FashionMnistLoader.Load(folder.File("images"), folder.File("bad-label"))).Field);
    }

    [Fact]
    public void Mutated_files_raise_only_typed_errors()
    {
        var valid = Idx(3, [2, 2, 3], new byte[12]);
        MutationFuzz.AssertOnlyTypedErrors(valid, bytes => IdxFile.Parse(bytes, "fuzz", 3));
    }

    private static byte[] Idx(int rank, int[] sizes, byte[] values)
    {
        var bytes = new byte[4 + 4 * rank + values.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(0x0800 | rank));
        for (int d = 0; d < rank; d++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * d), (uint)sizes[d]);
        values.CopyTo(bytes, 4 + 4 * rank);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest)) gzip.Write(bytes);
        return buffer.ToArray();
    }
}
