using System.IO.Compression;
using LayerScope.Errors;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage.Npy;

/// <summary>Crafted or damaged archives: each is refused with the archive and the entry named, before any large
/// allocation.</summary>
public class NpzArchiveRefusalTests
{
    [Fact]
    public void A_flipped_data_byte_fails_the_zip_checksum()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("flipped.npz");
        NpzArchive.Write(path, new Dictionary<string, NpyArray> { ["x"] = NpyArray.Create(Enumerable.Repeat(1234.5f, 64).ToArray(), 64) });
        var bytes = File.ReadAllBytes(path);
        // Stored, not deflated: the float's bytes are in the file as they are; change one of them.
        var value = BitConverter.GetBytes(1234.5f);
        var at = bytes.AsSpan().IndexOf(value) + 2 * value.Length;
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => NpzArchive.Read(path));

        Assert.Equal("entry x.npy", error.Field);
        Assert.Contains("CRC-32", error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Theory]
    [InlineData("../escape.npy")]
    [InlineData("a/../../escape.npy")]
    [InlineData("/absolute.npy")]
    [InlineData(".npy")]
    [InlineData("a//b.npy")]
    public void Entry_names_that_escape_or_are_empty_are_refused(string entryName)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("names.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var stream = zip.CreateEntry(entryName).Open();
            NpyWriter.Write(stream, NpyArray.Create(new[] { 1f, 2f }, 2));
        }

        var error = Assert.Throws<DataFormatException>(() => NpzArchive.Read(path));

        Assert.Equal("entry name", error.Field);
        Assert.Contains($"'{entryName}'", error.Message);
    }

    [Fact]
    public void An_entry_that_inflates_past_its_shape_is_refused_before_it_is_read()
    {
        // A 10-float header followed by 64 MB of zeros: about 64 KB deflated.
        using var folder = new TemporaryFolder();
        var path = folder.File("bomb.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var stream = zip.CreateEntry("x.npy", CompressionLevel.Fastest).Open();
            NpyWriter.Write(stream, NpyArray.Create(new float[10], 10));
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) stream.Write(zeros);
        }
        Assert.True(new FileInfo(path).Length < 1 << 20);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<DataFormatException>(() => NpzArchive.Read(path));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("entry x.npy", error.Field);
        Assert.Contains("declared by the zip directory", error.Message);
        Assert.True(allocated < 8 << 20, $"{allocated} bytes allocated to refuse the entry");
    }
}
