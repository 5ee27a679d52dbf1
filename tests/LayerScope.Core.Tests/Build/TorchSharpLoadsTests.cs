using LayerScope.Build;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Build;

/// <summary>The build's native fix: TorchSharp's bridge loads and a recurrent network trains on this machine.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void Lstm_forward_and_backward_run_and_produce_gradients()
    {
        torch.manual_seed(1);
        using var lstm = nn.LSTM(inputSize: 3, hiddenSize: 5, batchFirst: true);
        using var input = torch.randn(2, 4, 3);
        var (output, hidden, cell) = lstm.call(input);
        using var loss = output.pow(2).sum();
        loss.backward();

        Assert.Equal(new long[] { 2, 4, 5 }, output.shape);
        var gradient = lstm.parameters().First().grad;
        Assert.NotNull(gradient);
        Assert.True(gradient.abs().sum().item<float>() > 0, "the LSTM's first weight received no gradient");
    }

    [Fact]
    public void Bridge_in_output_folder_needs_no_glibcxx_version_the_system_lacks()
    {
        if (!OperatingSystem.IsLinux()) return;
        var bridge = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(bridge), $"{bridge} is missing: is the RuntimeIdentifier set?");
        var system = ElfVersionNeeds.FindSystemLibStdCxx();
        Assert.NotNull(system);
        var provided = ElfVersionNeeds.ReadVersionDefinitions(File.ReadAllBytes(system!)).ToHashSet();
        Assert.Contains("GLIBCXX_3.4", provided);

        var unmet = ElfVersionNeeds.ReadVersionNeeds(File.ReadAllBytes(bridge))
            .Where(n => n.File.StartsWith("libstdc++", StringComparison.Ordinal) && !n.IsWeak && !provided.Contains(n.Version))
            .Select(n => n.Version)
            .ToList();
        Assert.Empty(unmet);
    }

    [Fact]
    public void Weaken_sets_the_weak_flag_on_only_the_named_version()
    {
        if (!OperatingSystem.IsLinux()) return;
        // The unpatched bridge in the NuGet cache is not reachable from a test; the system libstdc++'s own
        // dependency on libc makes a real ELF file with a version-needs section to edit in memory.
        var library = File.ReadAllBytes(ElfVersionNeeds.FindSystemLibStdCxx()!);
        var needs = ElfVersionNeeds.ReadVersionNeeds(library);
        var target = needs.First(n => !n.IsWeak);

        int changed = ElfVersionNeeds.Weaken(library, target.Version);

        var after = ElfVersionNeeds.ReadVersionNeeds(library);
        Assert.Equal(needs.Count(n => n.Version == target.Version && !n.IsWeak), changed);
        Assert.All(after.Where(n => n.Version == target.Version), n => Assert.True(n.IsWeak));
        Assert.Equal(needs.Where(n => n.Version != target.Version).Select(n => n.Flags),
            after.Where(n => n.Version != target.Version).Select(n => n.Flags));
        Assert.Equal(0, ElfVersionNeeds.Weaken(library, target.Version));
    }
}
