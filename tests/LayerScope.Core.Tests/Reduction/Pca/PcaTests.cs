using LayerScope.Errors;
using LayerScope.Reduction;
using LayerScope.Reduction.Pca;
using LayerScope.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Reduction.Pca;

public class PcaTests
{
    /// <summary>Data with a decaying spectrum, so components are well separated: column j scaled by 1/(1+j).</summary>
    private static DenseMatrix Decaying(int n, int d, int seed)
    {
        var x = SyntheticClusters.Uniform(n, d, seed);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                x[i, j] = x[i, j] * 3f / (1 + j) + 5f;
        // Mix the columns with a fixed rotation-like matrix so components are not the axes.
        var random = new Random(seed + 1);
        var mix = new float[d * d];
        for (int i = 0; i < mix.Length; i++) mix[i] = (float)SyntheticClusters.Normal(random);
        using var q = torch.linalg.qr(torch.tensor(mix).view(d, d).to_type(ScalarType.Float64)).Q.to_type(ScalarType.Float32);
        using var mixed = torch.tensor(x.Values).view(n, d).mm(q);
        return new DenseMatrix(mixed.contiguous().data<float>().ToArray(), n, d);
    }

    /// <summary>The reference: full SVD of the centred data in double.</summary>
    private static (double[,] Components, double[] Variance) FullSvd(DenseMatrix x)
    {
        using var scope = torch.NewDisposeScope();
        var data = torch.tensor(x.Values).view(x.Rows, x.Columns).to_type(ScalarType.Float64);
        var centred = data - data.mean([0], keepdim: true);
        var (_, s, vh) = torch.linalg.svd(centred, fullMatrices: false);
        var components = new double[x.Columns, x.Columns];
        var v = vh.contiguous().data<double>().ToArray();
        for (int i = 0; i < x.Columns; i++) for (int j = 0; j < x.Columns; j++) components[i, j] = v[i * x.Columns + j];
        var variance = s.square().div(x.Rows - 1).data<double>().ToArray();
        return (components, variance);
    }

    [Theory]
    [InlineData(PcaMethod.Exact)]
    [InlineData(PcaMethod.Randomized)]
    public void Components_and_variances_equal_a_full_svd_up_to_sign(PcaMethod method)
    {
        var x = Decaying(400, 30, seed: 3);
        var pca = PcaReducer.Fit(x, new PcaOptions { Components = 5, Method = method, PowerIterations = 6 });
        var (reference, variance) = FullSvd(x);

        Assert.Equal(method, pca.Method);
        for (int c = 0; c < 5; c++)
        {
            Assert.InRange(pca.ExplainedVariance[c] / variance[c], 0.999, 1.001);
            double dot = 0;
            for (int j = 0; j < 30; j++) dot += pca.Components[c, j] * reference[c, j];
            Assert.True(Math.Abs(Math.Abs(dot) - 1) < 1e-3, $"component {c}: |cos| with the SVD's is {Math.Abs(dot)}, expected 1");
        }
        double total = variance.Sum();
        Assert.InRange(pca.ExplainedVarianceRatio[0], variance[0] / total - 1e-4, variance[0] / total + 1e-4);
    }

    [Fact]
    public void Signs_are_deterministic_and_exact_equals_randomized()
    {
        var x = Decaying(300, 20, seed: 4);
        var exact = PcaReducer.Fit(x, new PcaOptions { Components = 3, Method = PcaMethod.Exact });
        var randomized = PcaReducer.Fit(x, new PcaOptions { Components = 3, Method = PcaMethod.Randomized, Seed = 9 });
        for (int c = 0; c < 3; c++)
            for (int j = 0; j < 20; j++)
                Assert.True(Math.Abs(exact.Components[c, j] - randomized.Components[c, j]) < 1e-3, $"component {c}, entry {j}");
    }

    [Fact]
    public void Transform_centres_projects_and_whitens()
    {
        var x = Decaying(500, 10, seed: 5);
        var pca = PcaReducer.Fit(x, new PcaOptions { Components = 4, Whiten = true });
        var scores = pca.Transform(x);
        Assert.Equal(500, scores.Rows);
        Assert.Equal(4, scores.Columns);
        for (int c = 0; c < 4; c++)
        {
            double mean = 0, square = 0;
            for (int i = 0; i < 500; i++) { mean += scores[i, c]; square += scores[i, c] * scores[i, c]; }
            mean /= 500;
            Assert.True(Math.Abs(mean) < 1e-3, $"component {c} scores have mean {mean}");
            Assert.InRange(square / 499, 0.99, 1.01);
        }
    }

    [Fact]
    public void Invalid_settings_are_all_reported()
    {
        var x = SyntheticClusters.Uniform(10, 3);
        var error = Assert.Throws<InvalidSettingsException>(() =>
            PcaReducer.Fit(x, new PcaOptions { Components = 4, Threads = -1 }));
        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("components 4 is too large", error.Message);
    }

    [Fact]
    public void Nan_is_rejected_with_its_position()
    {
        var x = SyntheticClusters.Uniform(10, 3);
        x[7, 2] = float.NaN;
        var error = Assert.Throws<DataFormatException>(() => PcaReducer.Fit(x, new PcaOptions { Components = 2 }));
        Assert.Contains("row 7, column 2", error.Message);
    }
}

public class PcaReproducibilityTests
{
    [Fact]
    public void Fit_and_transform_give_bit_equal_results_wherever_the_data_lie_and_at_any_thread_count()
    {
        // MKL's GEMM may take a different path (and round differently) for operands at different alignments; a CI run
        // saw two equal t-SNE runs diverge from their PCA start. Copies of one matrix land at varied addresses.
        var x = LayerScope.Testing.SyntheticClusters.Gaussian(400, 10, seed: 2).X;
        var pca = PcaReducer.Fit(x, new LayerScope.Reduction.Pca.PcaOptions { Components = 2, Threads = 2 });
        var reference = pca.Transform(x, threads: 2).Values;
        Assert.Equal(reference, pca.Transform(x, threads: 1).Values);
        var keep = new List<object>();
        for (int copy = 0; copy < 24; copy++)
        {
            keep.Add(new byte[8 * (copy + 1)]);   // shifts the next allocation
            var values = (float[])x.Values.Clone();
            var moved = new LayerScope.Reduction.DenseMatrix(values, x.Rows, x.Columns);
            Assert.Equal(reference, pca.Transform(moved, threads: 2).Values);
            var refit = PcaReducer.Fit(moved, new LayerScope.Reduction.Pca.PcaOptions { Components = 2, Threads = 2 });
            Assert.Equal(pca.Components.Values, refit.Components.Values);
        }
        GC.KeepAlive(keep);
    }
}
