using LayerScope.Reduction.Tsne;

namespace LayerScope.Tests.Reduction.Tsne;

/// <summary>What keeps t-SNE's cost per iteration in check as N grows (issue 15): the repulsion's node grid and the
/// attraction's vector path.</summary>
public class TsneScaleTests
{
    [Fact]
    public void Vector_attraction_equals_the_one_at_a_time_sums_up_to_rounding()
    {
        // Rows of every length mod 8 occur (the vector loop takes 8 at a time, then single affinities).
        var (p, y) = TsneTestData.RandomProblem(700, 2, 5);
        var vector = new double[y.Length];
        var scalar = new double[y.Length];
        TsneGradient.Attraction(p, y, 2, vector, 2, TsneAttractionKernel.VectorDouble);
        TsneGradient.Attraction(p, y, 2, scalar, 2, TsneAttractionKernel.OneAtATime);
        var lengths = Enumerable.Range(0, p.Count).Select(i => (p.RowOffsets[i + 1] - p.RowOffsets[i]) % 8).Distinct().Count();
        Assert.True(lengths >= 6, $"only {lengths} row lengths mod 8");
        for (int c = 0; c < y.Length; c++)
            Assert.True(Math.Abs(vector[c] - scalar[c]) <= 1e-12 * (1e-9 + Math.Abs(scalar[c])) + 1e-18, $"coordinate {c}: {vector[c]} against {scalar[c]}");
    }

    [Fact]
    public void Packed_float_attraction_is_within_float32_rounding_of_the_double_sums()
    {
        // The hard case for float32 positions: a layout far from the origin (|y| ≈ 40, ulp 4e-6) whose neighbours are
        // about a unit apart, as in a final map. Each coordinate is rounded by at most 2^-24 max|y|, which moves a
        // term p w (y_i − y_j) by at most a few p 2^-24 max|y| (|∂(w d)/∂d| ≤ 1); the float32 lanes add up about
        // length / 8 terms of at most p / 2 each. Bound: 16 · 2^-24 · (1 + max|y|) · Σ_j p_ij per row.
        var (p, y) = TsneTestData.RandomProblem(700, 2, 1, seed: 4);
        for (int c = 0; c < y.Length; c++) y[c] += 40;
        var packed = new double[y.Length];
        var reference = new double[y.Length];
        TsneGradient.Attraction(p, y, 2, packed, 2, TsneAttractionKernel.PackedFloat);
        TsneGradient.Attraction(p, y, 2, reference, 2, TsneAttractionKernel.OneAtATime);
        double maxAbs = y.Max(Math.Abs);
        var lengths = Enumerable.Range(0, p.Count).Select(i => (p.RowOffsets[i + 1] - p.RowOffsets[i]) % 8).Distinct().Count();
        Assert.True(lengths >= 6, $"only {lengths} row lengths mod 8");
        double Bound(int i) => 16 * Math.Pow(2, -24) * (1 + maxAbs) * RowMass(p, i);
        for (int c = 0; c < y.Length; c++)
            Assert.True(Math.Abs(packed[c] - reference[c]) <= Bound(c / 2), $"coordinate {c}: {packed[c]} against {reference[c]}, bound {Bound(c / 2)}");
        // The bound is tight enough to see a kernel that loses one affinity of a row: dropping each row's last term
        // from the reference moves nearly every row outside it.
        int flagged = 0;
        for (int i = 0; i < p.Count; i++)
        {
            int e = p.RowOffsets[i + 1] - 1, j = p.Columns[e];
            double d0 = y[2 * i] - y[2 * j], d1 = y[2 * i + 1] - y[2 * j + 1];
            double w = p.Values[e] / (1 + d0 * d0 + d1 * d1);
            if (Math.Abs(packed[2 * i] - (reference[2 * i] - w * d0)) > Bound(i) || Math.Abs(packed[2 * i + 1] - (reference[2 * i + 1] - w * d1)) > Bound(i)) flagged++;
        }
        Assert.True(flagged >= 0.99 * p.Count, $"only {flagged} of {p.Count} rows with a dropped term fall outside the bound");
    }

    private static double RowMass(TsneAffinities p, int i)
    {
        double mass = 0;
        for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++) mass += p.Values[e];
        return mass;
    }

    [Theory]
    [InlineData(1e-4)]
    [InlineData(0.5)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(400)]
    [InlineData(1000)]
    [InlineData(3000)]
    public void Grid_covers_the_layout_within_its_node_bounds_at_the_widest_allowed_spacing(double range)
    {
        var repulsion = new FftRepulsion(1);
        var (spacing, nodes) = repulsion.Grid(range);
        // Every point's 4-node stencil fits: the range plus the stencil's reach on both sides.
        Assert.True((nodes - FftRepulsion.StencilNodes) * spacing <= range + 1e-9 && (nodes - FftRepulsion.StencilNodes + 1) * spacing > range,
            $"{nodes} nodes at spacing {spacing} for range {range}");
        Assert.InRange(nodes, FftRepulsion.StencilNodes, FftRepulsion.MaxNodes);
        // Never coarser than NodeSpacing (rounded up to its ladder step) until the node cap forces it.
        if (range < (FftRepulsion.MaxNodes - FftRepulsion.StencilNodes) * FftRepulsion.NodeSpacing)
            Assert.True(spacing <= FftRepulsion.QuantizedWidth(FftRepulsion.NodeSpacing) + 1e-12, $"spacing {spacing} at range {range}");
        // A small layout keeps at least 117 of the 128 nodes (124 spacings / 2^(1/8), plus the stencil's 4).
        if (range < 10) Assert.InRange(nodes, 117, FftRepulsion.MinNodes);
    }

    [Fact]
    public void Early_exaggeration_grows_the_layout_through_few_distinct_spacings()
    {
        // Early exaggeration grows the layout from the PCA start's ~1e-3 to ~10 units; each distinct spacing costs a
        // new set of kernel spectra (three L × L kernels and their transforms). The 2^(1/32) ladder gave 425 spacings
        // over these 10,000-fold; 2^(1/8) gives 107.
        var repulsion = new FftRepulsion(1);
        var spacings = new HashSet<double>();
        for (double range = 1e-3; range < 10; range *= 1.01) spacings.Add(repulsion.Grid(range).Spacing);
        Assert.True(spacings.Count <= 110, $"{spacings.Count} distinct spacings");
    }
}

/// <summary>The Z-order storage of the points (<see cref="TsnePointOrder"/>) changes where positions are kept, not what
/// is computed.</summary>
public class TsnePointOrderTests
{
    [Fact]
    public void Attraction_and_kl_in_z_order_storage_equal_those_in_input_order_exactly()
    {
        var (p, y) = TsneTestData.RandomProblem(500, 2, 5, seed: 7);
        var order = TsnePointOrder.ZOrder(y, 500, 2);
        Assert.NotEqual(Enumerable.Range(0, 500), order.PointAt);
        var stored = p.StoredAt(order, 2);
        var ySlots = order.ToSlots(y);
        foreach (var kernel in Enum.GetValues<TsneAttractionKernel>())
        {
            var plain = new double[y.Length];
            var slotted = new double[y.Length];
            TsneGradient.Attraction(p, y, 2, plain, 2, kernel);
            TsneGradient.Attraction(stored, ySlots, 2, slotted, 2, kernel);
            // Each row sums the same values in the same order: bit for bit the same forces.
            Assert.Equal(plain, order.ToPoints(slotted));
        }
        // The KL adds the rows in another order: equal to rounding.
        Assert.Equal(TsneGradient.KlDivergence(p, y, 2, 123.0, 2), TsneGradient.KlDivergence(stored, ySlots, 2, 123.0, 2), 1e-12);
        // Reused for a second order, the copy holds that order's matrix, not a mix.
        var again = TsnePointOrder.ZOrder(y.Select(v => -v).ToArray(), 500, 2);
        var restored = p.StoredAt(again, 2, reuse: stored);
        Assert.Same(stored, restored);
        for (int s = 0; s < 500; s++)
        {
            int i = again.PointAt[s];
            Assert.Equal(p.Values.AsSpan(p.RowOffsets[i], p.RowOffsets[i + 1] - p.RowOffsets[i]).ToArray(),
                restored.Values.AsSpan(restored.RowOffsets[s], restored.RowOffsets[s + 1] - restored.RowOffsets[s]).ToArray());
            Assert.Equal(p.Columns.AsSpan(p.RowOffsets[i], p.RowOffsets[i + 1] - p.RowOffsets[i]).ToArray().Select(j => again.SlotOf[j]),
                restored.Columns.AsSpan(restored.RowOffsets[s], restored.RowOffsets[s + 1] - restored.RowOffsets[s]).ToArray());
        }
        Assert.Equal(y, order.ToPoints(ySlots));
    }

    [Fact]
    public void Z_order_keeps_points_near_in_the_layout_near_in_storage()
    {
        // Random positions: in input order a point's 8 nearest map neighbours are ~N/3 slots away; in Z-order most are close.
        var (_, y) = TsneTestData.RandomProblem(4000, 2, 10, seed: 2);
        var order = TsnePointOrder.ZOrder(y, 4000, 2);
        double Median(Func<int, int> slot)
        {
            var gaps = new List<int>();
            for (int i = 0; i < 4000; i += 10)
            {
                var nearest = Enumerable.Range(0, 4000).Where(j => j != i)
                    .OrderBy(j => Math.Pow(y[2 * i] - y[2 * j], 2) + Math.Pow(y[2 * i + 1] - y[2 * j + 1], 2)).Take(8);
                gaps.AddRange(nearest.Select(j => Math.Abs(slot(i) - slot(j))));
            }
            gaps.Sort();
            return gaps[gaps.Count / 2];
        }
        double inputOrder = Median(i => i), zOrder = Median(i => order.SlotOf[i]);
        Assert.True(zOrder < inputOrder / 20, $"median slot gap to the 8 nearest: Z-order {zOrder}, input order {inputOrder}");
    }

    [Fact]
    public void A_fit_stored_in_z_order_follows_the_fit_in_input_order()
    {
        // Only the repulsion's sums change order (its float32 charge grids add points block by block), so both runs
        // agree to rounding (amplified by the gains: 1e-5 of the layout after 30 iterations); a point given another
        // point's state would be off by the layout's own scale.
        var (p, y) = TsneTestData.RandomProblem(600, 2, 1e-2, seed: 3);
        var start = LayerScope.Reduction.DenseMatrix.FromDoubles(y, 600, 2);
        var options = new TsneOptions { Iterations = 12, EarlyExaggerationIterations = 8, Repulsion = TsneRepulsionMethod.Fft, Threads = 2, ReportEvery = 4 };
        var plain = TsneReducer.Fit(p, start, options with { ReorderMinPoints = int.MaxValue });
        var ordered = TsneReducer.Fit(p, start, options with { ReorderMinPoints = 0 });
        var a = plain.RawPositions;
        var b = ordered.RawPositions;
        double scale = a.Max(Math.Abs);
        for (int c = 0; c < a.Length; c++) Assert.True(Math.Abs(a[c] - b[c]) < 1e-4 * scale, $"coordinate {c}: {a[c]} against {b[c]}");
        Assert.Equal(plain.KlDivergence, ordered.KlDivergence, 4);
    }
}
