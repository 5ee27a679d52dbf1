using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Reduction.Umap;

/// <summary>The eigenvectors of a graph's normalised adjacency, or their approximation after too few iterations.</summary>
/// <param name="Vectors">Count × wanted, row-major, by decreasing eigenvalue; unit columns orthogonal to D^½ 1.</param>
/// <param name="Values">Their Ritz values (eigenvalues of D^−½ W D^−½, near 1 for the smoothest vectors).</param>
/// <param name="Residual">The largest residual norm ‖N x − θ x‖ of the wanted vectors.</param>
/// <param name="Iterations">LOBPCG iterations done.</param>
/// <param name="Converged">Whether <paramref name="Residual"/> fell below the tolerance.</param>
public sealed record GraphEigenvectorsResult(double[] Vectors, double[] Values, double Residual, int Iterations, bool Converged);

/// <summary>
/// The eigenvectors of N = D^−½ W D^−½ with the largest eigenvalues below the trivial one (whose eigenvector D^½ 1 is
/// known and projected out), that is those of the normalised Laplacian I − N with the smallest non-zero eigenvalues:
/// the spectral start of UMAP. Found by the locally optimal block preconditioned conjugate gradient method (LOBPCG,
/// without preconditioner): each step searches the span of the current vectors X, their residuals W = NX − XΘ and the
/// previous step P, kept orthonormal (Hetmaniuk and Lehoucq's basis selection), by a Rayleigh–Ritz step of size 3m.
/// </summary>
/// <remarks>
/// Why not subspace iteration: the smooth end of a large kNN graph's spectrum is crowded (at 25,000 Fashion-MNIST
/// points the wanted eigenvalues of N lie within 0.003 of 1 and of the next ones), so power steps on N converge at
/// a rate of about 1 − 0.003 per step; 300 steps did not converge and thousands took 12 CPU seconds, more than the
/// rest of UMAP. LOBPCG's rate depends on about the square root of that gap. umap-learn solves the same problem with
/// ARPACK's Lanczos (scipy's eigsh) up to 2,000,000 points and with LOBPCG above.
/// A. V. Knyazev, "Toward the optimal preconditioned eigensolver: locally optimal block preconditioned conjugate
/// gradient method", SIAM J. Sci. Comput. 23(2), 2001; U. Hetmaniuk and R. Lehoucq, "Basis selection in LOBPCG",
/// J. Comput. Phys. 218, 2006.
/// </remarks>
public static class GraphEigenvectors
{
    /// <summary>Residual norm (of unit vectors) below which the wanted vectors count as converged.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>Extra vectors in the block beyond the wanted ones.</summary>
    public const int DefaultGuard = 2;

    /// <summary>The <paramref name="wanted"/> smoothest non-trivial eigenvectors of <paramref name="graph"/>'s
    /// normalised adjacency (a connected graph). <paramref name="guard"/> extra vectors ride along in the block: the
    /// convergence rate depends on the gap between the last wanted and the first vector outside the block.</summary>
    /// <param name="graph">A connected graph.</param>
    /// <param name="wanted">Eigenvectors wanted.</param>
    /// <param name="seed">Seed of the random start.</param>
    /// <param name="threads">Threads; 0 uses every core.</param>
    /// <param name="maxIterations">LOBPCG iterations at most.</param>
    /// <param name="tolerance">Residual norm at which the wanted vectors count as converged.</param>
    /// <param name="guard">Extra vectors in the block.</param>
    /// <param name="start">Optional first columns of the starting block (Count × c, c ≤ wanted + guard), e.g. smooth
    /// functions of the points (<see cref="SpectralInitialization.SmoothStart"/>); the other columns are random. Only
    /// the iterations needed depend on it.</param>
    public static GraphEigenvectorsResult Smoothest(UmapGraph graph, int wanted, int seed = 0, int threads = 0, int maxIterations = 500,
        double tolerance = DefaultTolerance, int guard = DefaultGuard, DenseMatrix? start = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.Count, m = wanted + guard;
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        if (3 * m + 1 > n) throw new ArgumentException($"A graph of {n} vertices is too small for a block of {m} vectors.", nameof(graph));
        ReductionThreads.ApplyToTorch(threads);

        var degree = graph.Degrees();
        var inverseRoot = degree.Select(d => d > 0 ? 1 / Math.Sqrt(d) : 0).ToArray();
        var trivial = degree.Select(Math.Sqrt).ToArray();
        double trivialNorm = Math.Sqrt(trivial.Sum(t => t * t));
        for (int i = 0; i < n; i++) trivial[i] /= trivialNorm;
        var buffer = new double[(long)n * m];
        var product = new double[(long)n * m];

        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(trivial).view(n, 1);
        Tensor Multiply(Tensor v)
        {
            v.contiguous().data<double>().CopyTo(buffer);
            Apply(graph, inverseRoot, buffer, product, m, threads);
            return torch.tensor(product).view(n, m);
        }
        // The part of v orthogonal to the orthonormal columns of `against` (the trivial vector and the blocks X and P,
        // which are orthogonal to it and to each other), with orthonormal columns. Twice, as classical Gram–Schmidt
        // needs for orthogonality to working precision ("twice is enough"). One product with all of them at once: the
        // block is narrow (wanted + guard columns), so each product is memory-bound and its cost is the pass over the
        // N-long columns, not the arithmetic.
        Tensor Orthonormal(Tensor v, Tensor against)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                v = v - against.mm(against.t().mm(v));
                v = torch.linalg.qr(v).Q;
            }
            return v;
        }

        var random = new double[(long)n * m];
        Gaussian.Fill(new Random(seed), random);
        if (start is not null)
        {
            if (start.Rows != n || start.Columns > m)
                throw new ArgumentException($"The start is {start.Rows} × {start.Columns}; it must be {n} × at most {m}.", nameof(start));
            for (int i = 0; i < n; i++)
                for (int c = 0; c < start.Columns; c++) random[(long)i * m + c] = start[i, c];
        }
        var x = Orthonormal(torch.tensor(random).view(n, m), t);
        var ax = Multiply(x);
        var (theta, rotation) = Descending(x.t().mm(ax));
        x = x.mm(rotation);
        ax = ax.mm(rotation);
        Tensor? p = null, ap = null;
        double residual = double.PositiveInfinity;
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            using var step = torch.NewDisposeScope();
            var r = ax - x * theta.view(1, m);
            residual = r.narrow(1, 0, wanted).norm(0).max().item<double>();
            if (residual < tolerance) break;
            var w = Orthonormal(r, p is null ? torch.cat([t, x], 1) : torch.cat([t, x, p], 1));
            var aw = Multiply(w);
            var s = p is null ? torch.cat([x, w], 1) : torch.cat([x, w, p], 1);
            var aS = p is null ? torch.cat([ax, aw], 1) : torch.cat([ax, aw, ap!], 1);
            var (values, vectors) = Descending(s.t().mm(aS));
            var c = vectors.narrow(1, 0, m);
            // The next search direction: the step's part outside the old X, made orthogonal to the new X within the
            // orthonormal basis S (so P ⊥ X without touching the long vectors).
            var cp = c.clone();
            cp.narrow(0, 0, m).zero_();
            cp = cp - c.mm(c.t().mm(cp));
            cp = torch.linalg.qr(cp).Q;
            var nextX = s.mm(c).MoveToOuterDisposeScope();
            var nextAx = aS.mm(c).MoveToOuterDisposeScope();
            var nextP = s.mm(cp).MoveToOuterDisposeScope();
            var nextAp = aS.mm(cp).MoveToOuterDisposeScope();
            var nextTheta = values.narrow(0, 0, m).clone().MoveToOuterDisposeScope();
            x.Dispose(); ax.Dispose(); p?.Dispose(); ap?.Dispose(); theta.Dispose();
            (x, ax, p, ap, theta) = (nextX, nextAx, nextP, nextAp, nextTheta);
        }
        var result = x.narrow(1, 0, wanted).contiguous().data<double>().ToArray();
        var ritz = theta.narrow(0, 0, wanted).data<double>().ToArray();
        return new GraphEigenvectorsResult(result, ritz, residual, iteration, residual < tolerance);
    }

    /// <summary>Eigenvalues (decreasing) and eigenvectors of the symmetric part of a small matrix.</summary>
    private static (Tensor Values, Tensor Vectors) Descending(Tensor h)
    {
        var (values, vectors) = torch.linalg.eigh((h + h.t()) / 2);
        return (values.flip(0), vectors.flip(1));
    }

    /// <summary>next = D^−½ W D^−½ v, row by row in parallel.</summary>
    internal static void Apply(UmapGraph graph, double[] inverseRoot, double[] v, double[] next, int block, int threads)
    {
        ReductionThreads.ForChunks(graph.Count, 1024, threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                var row = next.AsSpan(i * block, block);
                row.Clear();
                for (int e = graph.RowOffsets[i]; e < graph.RowOffsets[i + 1]; e++)
                {
                    int j = graph.Columns[e];
                    double w = graph.Weights[e] * inverseRoot[j];
                    var column = v.AsSpan(j * block, block);
                    for (int c = 0; c < block; c++) row[c] += w * column[c];
                }
                for (int c = 0; c < block; c++) row[c] *= inverseRoot[i];
            }
        });
    }
}
