using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// 2-D t-SNE repulsion by FFT-accelerated polynomial interpolation on a uniform node grid of spacing at most
/// <see cref="NodeSpacing"/>: each point's charge is spread onto the <see cref="StencilNodes"/>² grid nodes around it
/// (a sliding stencil: the point always lies between the middle two nodes of its stencil), the kernels are applied to
/// the node grid as circulant convolutions (real FFTs on libtorch), and the node potentials are interpolated back with
/// the same Lagrange weights (spreading is the transpose of interpolation). One charge and three kernels give the
/// forces and the normalisation Z in O(N + M² log M); Z needs no inverse transform (Parseval, see GridZ).
/// </summary>
/// <remarks>
/// Kernel interpolation on a uniform grid is FIt-SNE's scheme (G. C. Linderman, M. Rachh, J. G. Hoskins,
/// S. Steinerberger and Y. Kluger, "Fast interpolation-based t-SNE for improved visualization of single-cell RNA-seq
/// data", Nature Methods 16, 2019). FIt-SNE interpolates from the p nodes of each point's own box, so a point near a
/// box edge extrapolates beyond its nodes' span: the Lagrange remainder's factor |Π_k (t − k)| reaches 6.6 for 4 nodes
/// (t = −½ in node units) against 0.56 for a stencil centred on the point, the particle-mesh methods' choice
/// (R. W. Hockney and J. W. Eastwood, "Computer Simulation Using Particles", 1981, ch. 5; T. Darden, D. York and
/// L. Pedersen, "Particle mesh Ewald", J. Chem. Phys. 98, 1993). The centred stencil (with an even p) is also
/// continuous where a point changes stencil, while box stencils jump at every box edge; that jump, more than the
/// error's size, kept the box scheme's optimisation short (10,000 Fashion-MNIST points: 3-node boxes, force error
/// 3.1%, KL 1.652; the 4-node centred stencil at spacing 0.4, force error 2.8%, KL 1.559; FIt-SNE 1.574). The forces come from the kernels ∂/∂x and ∂/∂y of 1/(1 + d²) times
/// −½, i.e. d_x/(1 + d²)² and d_y/(1 + d²)², and Z from 1/(1 + d²) itself, all applied to the one charge grid: one
/// forward and two inverse transforms (Z is a sum over the charge spectrum) where the four moment charges (1, x, y, x² + y²) of FIt-SNE and openTSNE take
/// four of each.
/// </remarks>
internal sealed class FftRepulsion(int threads, int stencilNodes = FftRepulsion.StencilNodes, double nodeSpacing = FftRepulsion.NodeSpacing) : ITsneRepulsion
{
    /// <summary>Interpolation nodes per point and dimension. It must be even: an odd stencil switches nodes half-way
    /// between two, where its weights jump, and the jumping forces kept the optimisation from settling (10,000
    /// Fashion-MNIST points: KL 1.652 with 3 nodes at spacing 0.4, 1.622 with 5 at 0.5, against 1.559 with 4 at 0.4
    /// and similar force errors).</summary>
    public const int StencilNodes = 4;

    /// <summary>The widest the node grid's spacing may be, in embedding units (the grid is finer while the layout
    /// spans fewer than <see cref="MinNodes"/> spacings). Chosen by the final KL of whole fits (10,000 Fashion-MNIST
    /// points, 750 iterations; FIt-SNE 1.574): spacing 0.28–0.33: 1.551–1.552, 0.4: 1.559, 0.45: 1.569, 0.5: 1.578.
    /// FIt-SNE's own grid (3 nodes per box of width 1) has spacing 0.33 but boxes.</summary>
    public const double NodeSpacing = 0.4;

    /// <summary>The fewest grid nodes per dimension.</summary>
    public const int MinNodes = 128;

    /// <summary>The most grid nodes per dimension: past this (layouts wider than about 1,000 units) the spacing widens
    /// with the layout's range, so the grid and its transforms (4 of 5,120² values) stay affordable.</summary>
    public const int MaxNodes = 2560;

    /// <summary>Fixed number of partial charge grids spread in parallel (fixed, so the sums do not depend on the
    /// thread count).</summary>
    private const int SpreadParts = 4;

    private int[] _first = [];
    private double[] _weights = [];
    private float[] _grid = [];
    private float[] _potential = [];
    private Tensor? _forceSpectra, _zWeights;
    private (int Size, double H) _kernelKey;

    /// <summary>The smallest step of the ladder 2^(k/<paramref name="steps"/>) at or above <paramref name="width"/>: with
    /// 32 steps per octave, widths within 2.2% of each other share a step.</summary>
    internal static double QuantizedWidth(double width, int steps = 32) => Math.Pow(2, Math.Ceiling(Math.Log2(width) * steps) / steps);

    /// <summary>Steps per octave of the spacing while the layout is small (spacing below <see cref="NodeSpacing"/>).</summary>
    internal const int SmallLayoutSteps = 8;

    /// <summary>The spectra (rfft2) of the force kernels d_x/(1 + d²)² and d_y/(1 + d²)² on the circulant embedding of
    /// the node-difference grid (size L ≥ 2m − 1): index r stands for r·h for r ≤ L/2 and for (r − L)·h above. Only
    /// |r| &lt; m is ever used, so the spectra depend on L and h alone. Of the kernel 1/(1 + d²) only Z = Σ_i Σ_j w_ij is
    /// needed, a scalar, so its spectrum is kept as the weights of <see cref="GridZ"/>'s Parseval sum.</summary>
    private void ComputeKernelSpectra(int size, double h)
    {
        _forceSpectra?.Dispose();
        _zWeights?.Dispose();
        _forceSpectra = _zWeights = null;
        using var scope = torch.NewDisposeScope();
        var spectra = new Tensor[2];
        // One kernel at a time, filled in place in a libtorch tensor, so only one L × L float grid exists at a time
        // (at 5,120² nodes, 105 MB instead of 315 MB) and none stays behind in managed memory.
        for (int which = 0; which < 3; which++)
        {
            var kernel = torch.empty(size, size, dtype: ScalarType.Float32);
            FillKernel(kernel, size, h, which);
            var spectrum = torch.fft.rfft2(kernel);
            kernel.Dispose();
            if (which > 0) { spectra[which - 1] = spectrum; continue; }
            // A real FFT keeps the columns 0 … L/2 of the Hermitian spectrum: every other column stands for two.
            int columns = size / 2 + 1;
            var twice = torch.full(columns, 2f, dtype: ScalarType.Float32);
            twice[0] = 1f;
            if (size % 2 == 0) twice[columns - 1] = 1f;
            _zWeights = torch.real(spectrum).mul(twice).div_((double)size * size).MoveToOuterDisposeScope();
        }
        _forceSpectra = torch.stack(spectra).MoveToOuterDisposeScope();
        _kernelKey = (size, h);
    }

    private unsafe void FillKernel(Tensor kernel, int size, double h, int which)
    {
        nint address;
        // The tensor's memory is libtorch's (not moved by the GC): its address stays valid after the fixed block.
        fixed (byte* bytes = kernel.bytes) address = (nint)bytes;
        ReductionThreads.ForChunks(size, 64, threads, (_, start, end) =>
        {
            float* values = (float*)address;
            for (int a = start; a < end; a++)
            {
                double da = (a <= size / 2 ? a : a - size) * h;
                float* row = values + (long)a * size;
                for (int b = 0; b < size; b++)
                {
                    double db = (b <= size / 2 ? b : b - size) * h;
                    double w = 1 / (1 + da * da + db * db);
                    row[b] = (float)(which switch { 0 => w, 1 => da * w * w, _ => db * w * w });
                }
            }
        });
    }

    /// <summary>Σ_nodes C·(K ⊛ C) for the charge spectrum Ĉ: by Parseval (1/L²) Σ_ω |Ĉ(ω)|² K̂(ω), which is Σ_i of the
    /// potential interpolated at every point (spreading is the transpose of interpolation), i.e. Z plus the points'
    /// self-interactions, without the inverse transform of the potential.</summary>
    private double GridZ(Tensor chargeSpectrum)
    {
        using var scope = torch.NewDisposeScope();
        return torch.abs(chargeSpectrum).square().mul_(_zWeights!).sum(type: ScalarType.Float64).item<double>();
    }

    /// <summary>The smallest n ≥ <paramref name="minimum"/> whose prime factors are 2, 3 and 5 (fast FFT sizes).</summary>
    internal static int FftFriendlySize(int minimum)
    {
        for (int n = Math.Max(1, minimum); ; n++)
        {
            int r = n;
            foreach (int f in new[] { 2, 3, 5 }) while (r % f == 0) r /= f;
            if (r == 1) return n;
        }
    }

    /// <summary>The node spacing and grid size (nodes per dimension) used for a layout of coordinate range
    /// <paramref name="range"/>.</summary>
    internal (double Spacing, int Nodes) Grid(double range)
    {
        int p = stencilNodes;
        double wanted = Math.Max(range / (MaxNodes - p), Math.Min(nodeSpacing, range / (MinNodes - p)));
        // While the layout spans fewer than MinNodes spacings (all of early exaggeration: the range grows 10,000-fold
        // from the PCA start) the spacing follows the range, and each new spacing needs new kernel spectra. Steps of
        // 2^(1/8) there instead of 2^(1/32) recompute them a quarter as often (70,000 points: ~350 times, 15% of the
        // repulsion's wall time) for a grid of 117–128 nodes instead of 125–128, still far finer than NodeSpacing.
        double h = wanted < nodeSpacing
            ? Math.Min(QuantizedWidth(wanted, SmallLayoutSteps), QuantizedWidth(nodeSpacing))
            : QuantizedWidth(wanted);
        // Nodes 0 … m − 1 at origin + k·h, origin = min − (p/2 − 1)·h: the lowest point's stencil starts at node 0 and
        // the highest point's ends at node ⌊range/h⌋ + p − 1.
        return (h, (int)(range / h) + p);
    }

    /// <summary>Milliseconds spent per phase (weights, spreading, kernel, FFT, interpolation), for profiling.</summary>
    internal static readonly double[] PhaseMilliseconds = new double[5];

    public double Compute(double[] y, int n, double[] forces)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        int p = stencilNodes;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < 2 * n; i++) { min = Math.Min(min, y[i]); max = Math.Max(max, y[i]); }
        double range = Math.Max(max - min, 1e-12);
        // The spacing is rounded up to a step of a geometric ladder, so it stays the same over many iterations while
        // the embedding grows, and with it the kernels' spectra, which are then reused.
        var (h, m) = Grid(range);
        int size = FftFriendlySize(2 * m - 1);
        double origin = min - (p / 2 - 1) * h;
        long cells = (long)m * m;

        if (_first.Length < 2 * n) { _first = new int[2 * n]; _weights = new double[2 * n * p]; }
        if (_grid.Length < SpreadParts * cells) _grid = new float[SpreadParts * cells];
        if (_potential.Length < 2 * cells) _potential = new float[2 * cells];

        // Lagrange weights of each coordinate for the p nodes first … first + p − 1 of its stencil, chosen so that the
        // coordinate lies between the stencil's nodes p/2 − 1 and p/2 (its middle node, for odd p): in node units
        // t = u − first ∈ [p/2 − 1, p/2).
        var denominators = new double[p];
        for (int j = 0; j < p; j++)
        {
            double d = 1;
            for (int k = 0; k < p; k++) if (k != j) d *= j - k;
            denominators[j] = d;
        }
        var first = _first;
        var weights = _weights;
        double halfStencil = p / 2.0 - 1;
        ReductionThreads.ForChunks(2 * n, 4096, threads, (_, start, end) =>
        {
            for (int c = start; c < end; c++)
            {
                double u = (y[c] - origin) / h;
                int f = Math.Clamp((int)Math.Floor(u - halfStencil), 0, m - p);
                double t = u - f;
                first[c] = f;
                for (int j = 0; j < p; j++)
                {
                    double w = 1;
                    for (int k = 0; k < p; k++) if (k != j) w *= t - k;
                    weights[c * p + j] = w / denominators[j];
                }
            }
        });

        long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        // Spread the unit charges onto SpreadParts partial grids (one per block of points, so no two threads write
        // the same cell), then add them up.
        var grid = _grid;
        Array.Clear(grid, 0, (int)(SpreadParts * cells));
        int perPart = (n + SpreadParts - 1) / SpreadParts;
        Parallel.For(0, SpreadParts, ReductionThreads.Options(threads), part =>
        {
            long offset = part * cells;
            for (int i = part * perPart, end = Math.Min(n, (part + 1) * perPart); i < end; i++)
            {
                int row0 = first[2 * i], col0 = first[2 * i + 1];
                for (int a = 0; a < p; a++)
                {
                    double wa = weights[2 * i * p + a];
                    long rowStart = offset + (long)(row0 + a) * m + col0;
                    for (int b = 0; b < p; b++) grid[rowStart + b] += (float)(wa * weights[(2 * i + 1) * p + b]);
                }
            }
        });
        for (int part = 1; part < SpreadParts; part++)
        {
            long offset = part * cells;
            for (long cell = 0; cell < cells; cell++) grid[cell] += grid[offset + cell];
        }

        long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_forceSpectra is null || _kernelKey != (size, h)) ComputeKernelSpectra(size, h);

        long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        double gridZ;
        using (var scope = torch.NewDisposeScope())
        {
            // The charges fill the m × m corner of the L × L grid; rfft2 pads with zeros.
            var charges = torch.from_array(grid).narrow(0, 0, cells).view(m, m);
            // (Separate 1-D passes that skip the zero rows, and the zero rows of the output, were measured no faster.)
            var spectrum = torch.fft.rfft2(charges, s: [size, size]);
            gridZ = GridZ(spectrum);
            // One force kernel at a time, so a single L × L product and potential are alive at once.
            for (int which = 0; which < 2; which++)
            {
                using var product = spectrum.mul(_forceSpectra![which]);
                using var field = torch.fft.irfft2(product, s: [size, size]);
                using var corner = field.narrow(0, 0, m).narrow(1, 0, m).contiguous();
                corner.data<float>().CopyTo(_potential, checked((int)(which * cells)));
            }
        }

        long t4 = System.Diagnostics.Stopwatch.GetTimestamp();
        // Interpolate the node potentials back to the points: the forces Σ_j w_ij² (y_i − y_j).
        var potential = _potential;
        ReductionThreads.ForChunks(n, 1024, threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                double fx = 0, fy = 0;
                int row0 = first[2 * i], col0 = first[2 * i + 1];
                for (int a = 0; a < p; a++)
                {
                    double wa = weights[2 * i * p + a];
                    for (int b = 0; b < p; b++)
                    {
                        double w = wa * weights[(2 * i + 1) * p + b];
                        long cell = (long)(row0 + a) * m + col0 + b;
                        fx += w * potential[cell];
                        fy += w * potential[cells + cell];
                    }
                }
                forces[2 * i] = fx;
                forces[2 * i + 1] = fy;
            }
        });
        long t5 = System.Diagnostics.Stopwatch.GetTimestamp();
        PhaseMilliseconds[0] += (t1 - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        PhaseMilliseconds[1] += (t2 - t1) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        PhaseMilliseconds[2] += (t3 - t2) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        PhaseMilliseconds[3] += (t4 - t3) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        PhaseMilliseconds[4] += (t5 - t4) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        return gridZ - n;   // each point's interaction with itself, w_ii = 1, is in the grid sum
    }
}
