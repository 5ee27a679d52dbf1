using LayerScope.Cli.Commands;
using LayerScope.Errors;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

public sealed class NpyMatricesTests
{
    [Fact]
    public void A_label_past_32_bits_is_refused_naming_its_index()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("labels.npy");
        NpyWriter.Write(path, NpyArray.Create(new[] { 0L, 1L, 1L << 40 }, 3));

        var error = Assert.Throws<DataFormatException>(() => NpyMatrices.ReadLabels(path, 3));

        Assert.Equal("label 2", error.Field);
        Assert.Contains("1099511627776", error.Message);
    }
}
