using System.Globalization;
using LayerScope.Data.Loaders;
using LayerScope.Onnx;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;
using LayerScope.Tests.Onnx;

namespace LayerScope.Tests.Fuzz;

/// <summary>
/// Every parser of a user's file, fed a few hundred seeded mutants of a valid file: each must answer with a result
/// or a typed <see cref="LayerScope.Errors.LayerScopeException"/>. An untyped exception is an "internal error" for the
/// user; a stack overflow or a hang would end or stall the test run, and so fails it too.
/// </summary>
public sealed class ParserMutationTests
{
    private const int Mutants = 300;

    [Fact]
    public void Npy_files()
    {
        var valid = NpyBytes(NpyArray.Create(Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray(), 6, 4));
        MutationFuzz.AssertOnlyTypedErrors(valid, bytes =>
        {
            using var stream = new MemoryStream(bytes);
            NpyReader.Read(stream, "mutant.npy");
        }, Mutants);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Npz_archives(bool compress)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("mutant.npz");
        NpzArchive.Write(path, new Dictionary<string, NpyArray>
        {
            ["x"] = NpyArray.Create(Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray(), 6, 4),
            ["labels"] = NpyArray.Create(new long[] { 0, 1, 0, 1, 1, 0 }, 6),
        }, compress);
        var valid = File.ReadAllBytes(path);
        MutationFuzz.AssertOnlyTypedErrors(valid, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            NpzArchive.Read(path);
        }, Mutants, seed: compress ? 2 : 1);
    }

    [Fact]
    public void Onnx_models_built_here()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("mutant.onnx");
        MutationFuzz.AssertOnlyTypedErrors(OnnxModelRefusalTests.NestedModel(3), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            OnnxModel.Open(path);
        }, Mutants);
    }

    [OnnxFact("mlp.onnx")]
    public void Onnx_reference_model()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("mutant.onnx");
        MutationFuzz.AssertOnlyTypedErrors(File.ReadAllBytes(TestData.OnnxFile("mlp.onnx")), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            OnnxModel.Open(path);
        }, Mutants);
    }

    [Fact]
    public void Banknote_files()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("banknote.txt");
        var lines = Enumerable.Range(0, 12).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i * 0.37 - 2:0.#####},{i * 1.1:0.###},-{i * 0.2:0.##},{i},{i % 2}"));
        var valid = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        MutationFuzz.AssertOnlyTypedErrors(valid, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            BanknoteLoader.Load(path).Split(0.25, seed: 1);
        }, Mutants);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Japanese_vowels_files(bool mutateSizes)
    {
        using var folder = new TemporaryFolder();
        var data = folder.File("ae.train");
        var sizes = folder.File("size_ae.train");
        var ones = string.Join(' ', Enumerable.Repeat("1.0", 12));
        var frames = Enumerable.Range(1, 9).Select(k => string.Join("\n", Enumerable.Range(0, 2).Select(f =>
            string.Join(' ', Enumerable.Range(0, 12).Select(c => ((k + f + c) * 0.125).ToString(CultureInfo.InvariantCulture))))) + "\n" + ones + "\n");
        var validData = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", frames));
        var validSizes = "1 1 1 1 1 1 1 1 1\n"u8.ToArray();
        File.WriteAllBytes(data, validData);
        File.WriteAllBytes(sizes, validSizes);
        MutationFuzz.AssertOnlyTypedErrors(mutateSizes ? validSizes : validData, bytes =>
        {
            File.WriteAllBytes(mutateSizes ? sizes : data, bytes);
            JapaneseVowelsLoader.Load(data, sizes);
        }, Mutants, seed: mutateSizes ? 2 : 1);
    }

    [Fact]
    public void Run_manifests()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20);
        var manifest = Path.Combine(folder.Path, RunManifest.FileName);
        var valid = File.ReadAllBytes(manifest);
        MutationFuzz.AssertOnlyTypedErrors(valid, bytes =>
        {
            File.WriteAllBytes(manifest, bytes);
            RunManifestReader.Read(folder.Path);
        }, Mutants);
    }

    private static byte[] NpyBytes(NpyArray array)
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, array);
        return stream.ToArray();
    }
}
