using System.Text;
using LayerScope.Dynamics;
using LayerScope.TensorBoard;
using LayerScope.Testing;

namespace LayerScope.Tests.TensorBoard;

public class EventFileTests
{
    [Theory]
    // RFC 3720 (iSCSI) appendix B.4 and the common check value.
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("", 0x00000000u)]
    public void Crc32C_matches_the_published_check_values(string text, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Crc32C_matches_the_iscsi_test_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        // The hardware path (8 bytes at a time) agrees with the bitwise definition on odd lengths too.
        var random = new Random(5).GetItems(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 1001);
        Assert.Equal(TensorBoardEventReader.Crc32C(random), Crc32C.Compute(random));
    }

    [Fact]
    public void Masking_rotates_and_offsets_and_differs_from_the_plain_crc()
    {
        uint crc = Crc32C.Compute("foo"u8);
        uint masked = Crc32C.Mask(crc);
        Assert.NotEqual(crc, masked);
        uint rotated = unchecked(masked - 0xA282EAD8);
        Assert.Equal(crc, (rotated >> 17) | (rotated << 15));
    }

    [Fact]
    public void Scalars_and_histograms_read_back_with_an_independent_reader()
    {
        var histogram = new HistogramBinning(HistogramKind.Weights).Add(1, [[-0.5f, -0.1f, 0f, 0.2f, 0.2f, 0.7f]]);
        using var writer = new EventFileWriter(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        writer.AddScalar("loss/train", 3, 0.25);
        writer.AddScalar("loss/held_out", 3, double.NaN); // skipped
        writer.AddHistogram("fc1/weights", 3, histogram);
        using var folder = new TemporaryFolder();
        var path = writer.Save(folder.Path);

        Assert.Matches(@"^events\.out\.tfevents\.1700000000\.", Path.GetFileName(path));
        var events = TensorBoardEventReader.Read(path);
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1_700_000_000, events[0].WallTime, 1e-6);
        var scalar = Assert.Single(events[1].Values);
        Assert.Equal(("loss/train", 0.25f, 3L), (scalar.Tag, scalar.Scalar!.Value, events[1].Step));
        var read = Assert.Single(events[2].Values);
        Assert.Equal("fc1/weights", read.Tag);
        var h = read.Histogram!;
        Assert.Equal((-0.5, (double)0.7f, 6.0), (h.Min, h.Max, h.Num));
        Assert.Equal(0.5, h.Sum, 1e-6);
        Assert.Equal(0.25 + 0.01 + 0.04 + 0.04 + 0.49, h.SumSquares, 1e-6);
        Assert.Equal(h.BucketLimits.Length, h.Buckets.Length);
        Assert.Equal(6, h.Buckets.Sum());
        Assert.Equal(0, h.Buckets[0]); // the leading bucket only marks the first bin's left edge
        Assert.True(h.BucketLimits[0] <= -0.5 && h.BucketLimits[^1] > 0.7);
        Assert.True(h.BucketLimits.Zip(h.BucketLimits.Skip(1)).All(p => p.First < p.Second), "limits increase");
        // Each value lies in the bucket (limit[i-1], limit[i]] that counts it, give or take the edge itself.
        foreach (var v in new[] { -0.5, -0.1, 0, 0.2, 0.7 })
        {
            int bucket = Array.FindIndex(h.BucketLimits, l => l > v);
            Assert.True(h.Buckets[bucket] > 0, $"value {v} falls in an empty bucket");
        }
    }

    [Fact]
    public void A_flipped_byte_is_caught_by_the_data_crc()
    {
        using var writer = new EventFileWriter(DateTimeOffset.UnixEpoch);
        writer.AddScalar("x", 1, 1);
        using var folder = new TemporaryFolder();
        var bytes = File.ReadAllBytes(writer.Save(folder.Path));
        bytes[^6] ^= 0x01;
        var error = Assert.Throws<InvalidDataException>(() => TensorBoardEventReader.Read(bytes));
        Assert.Contains("data CRC", error.Message);
    }
}
