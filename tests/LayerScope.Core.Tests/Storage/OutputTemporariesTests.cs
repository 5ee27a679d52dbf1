using LayerScope.Storage;
using LayerScope.Testing;

namespace LayerScope.Tests.Storage;

/// <summary>What a run killed with -9 leaves beside its output, and what the next run does with it.</summary>
public sealed class OutputTemporariesTests
{
    private const string Prefix = ".layerscope-tmp-";

    /// <summary>A process id no process has: Linux caps ids far below it.</summary>
    private const int GonePid = int.MaxValue - 1;

    [Fact]
    public void An_atomic_write_goes_through_a_hidden_prefixed_file_beside_the_target()
    {
        using var folder = new TemporaryFolder();
        string[] during = [];

        AtomicFile.Write(folder.File("out.txt"), stream =>
        {
            during = Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).ToArray()!;
            stream.WriteByte(1);
        });

        var temporary = Assert.Single(during);
        Assert.StartsWith(Prefix, temporary);
        Assert.EndsWith("-out.txt", temporary);
        Assert.Equal(["out.txt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_staging_folder_and_the_previous_output_during_a_swap_are_hidden_and_prefixed()
    {
        using var folder = new TemporaryFolder();
        var target = folder.File("report");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "marker.json"), "{}");

        using var staged = StagedDirectory.Create(target, "marker.json");
        Assert.StartsWith(Prefix, Path.GetFileName(staged.Path));
        File.WriteAllText(staged.File("marker.json"), "{\"new\": true}");
        staged.Commit();

        Assert.Equal(["report"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
        Assert.Contains("new", File.ReadAllText(Path.Combine(target, "marker.json")));
    }

    [Fact]
    public void The_next_write_removes_what_a_killed_run_left_and_restores_an_interrupted_swap()
    {
        using var folder = new TemporaryFolder();
        var longAgo = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var staleFile = folder.File($"{Prefix}{GonePid}-{Guid.NewGuid():N}-file-x.npy");
        File.WriteAllBytes(staleFile, []);
        File.SetLastWriteTimeUtc(staleFile, longAgo);
        var staleStaging = folder.File($"{Prefix}{GonePid}-{Guid.NewGuid():N}-staging-run");
        Directory.CreateDirectory(staleStaging);
        File.WriteAllText(Path.Combine(staleStaging, "half.json"), "{");
        Directory.SetLastWriteTimeUtc(staleStaging, longAgo);
        // Killed between the two renames of a swap: "previous" is gone, its content waits under the temporary name.
        var interrupted = folder.File($"{Prefix}{GonePid}-{Guid.NewGuid():N}-old-previous");
        Directory.CreateDirectory(interrupted);
        File.WriteAllText(Path.Combine(interrupted, "run.json"), "{}");
        Directory.SetLastWriteTimeUtc(interrupted, longAgo);
        // Another run still writing (this process): never touched.
        var live = folder.File($"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}-file-y.npy");
        File.WriteAllBytes(live, []);
        File.SetLastWriteTimeUtc(live, longAgo);

        AtomicFile.WriteAllText(folder.File("next.txt"), "done");

        Assert.Equal(["next.txt", "previous", Path.GetFileName(live)],
            Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
                .OrderBy(n => n.StartsWith('.') ? 1 : 0).ThenBy(n => n, StringComparer.Ordinal));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(folder.Path, "previous", "run.json")));
    }
}
