using System.Text.Json;
using LayerScope.Onnx;
using LayerScope.Storage.Npy;
using LayerScope.Testing;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace LayerScope.Tests.Onnx.Torch;

/// <summary>A model of Fixtures/cases.json (made by Fixtures/make_fixtures.py): input, PyTorch output and the
/// PyTorch input gradient of output[:, 0].sum() (with respect to <see cref="Wrt"/> for token-id models). Hand-made
/// recurrent graphs PyTorch cannot express have no PyTorch output or gradient (null).</summary>
public sealed record TorchFixture(string Model, string Input, string? Output, string? Grad, int Opset, string? Wrt)
{
    public static string Folder => Path.Combine(TestData.RepositoryRoot, "tests", "LayerScope.Core.Tests", "Onnx", "Torch", "Fixtures");

    public static string PathOf(string file) => Path.Combine(Folder, file);

    public string ModelPath => PathOf(Model);

    public override string ToString() => Model;

    public static IReadOnlyList<TorchFixture> All() =>
        JsonSerializer.Deserialize<List<TorchFixture>>(File.ReadAllText(PathOf("cases.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TorchFixture Find(string model) => All().Single(f => f.Model == model);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var f in All()) data.Add(f.Model);
        return data;
    }

    /// <summary>The models exported from PyTorch, which come with its output and input gradient.</summary>
    public static TheoryData<string> WithPyTorchReferences()
    {
        var data = new TheoryData<string>();
        foreach (var f in All().Where(f => f.Grad is not null)) data.Add(f.Model);
        return data;
    }
}

/// <summary>A batch-major (layout = 1) recurrent graph of Fixtures/batch_major.json and its time-major twin with the
/// same weights and input: ONNX Runtime refuses layout = 1, so the twin is its reference.</summary>
public sealed record BatchMajorFixture(string Model, string Input, string Twin)
{
    public static IReadOnlyList<BatchMajorFixture> All() =>
        JsonSerializer.Deserialize<List<BatchMajorFixture>>(File.ReadAllText(TorchFixture.PathOf("batch_major.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var f in All()) data.Add(f.Model);
        return data;
    }
}

/// <summary>Runs a model in ONNX Runtime with every node output exposed, to compare the executor tensor by tensor.</summary>
internal static class OrtReference
{
    public static Dictionary<string, (long[] Shape, Array Data)> AllTensors(OnnxModel model, NpyArray input, int rows)
    {
        var names = model.Graph.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0).Distinct().ToList();
        using var session = model.CreateSession(names, intraOpThreads: 1);
        var shape = input.Shape;
        shape[0] = rows;
        long perRow = input.Length / input.Shape[0];
        Array data = input.Data switch
        {
            float[] f => f[..(int)(rows * perRow)],
            long[] l => l[..(int)(rows * perRow)],
            var other => throw new InvalidOperationException(other.GetType().Name),
        };
        using var value = data is float[] fa ? OrtValue.CreateTensorValueFromMemory(fa, shape) : OrtValue.CreateTensorValueFromMemory((long[])data, shape);
        using var runOptions = new RunOptions();
        var outputs = session.OutputNames.ToList();
        using var results = session.Run(runOptions, [model.Inputs[0].Name], [value], outputs);
        var all = new Dictionary<string, (long[], Array)>(StringComparer.Ordinal);
        for (int i = 0; i < outputs.Count; i++)
        {
            var info = results[i].GetTensorTypeAndShape();
            Array values = info.ElementDataType switch
            {
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float => results[i].GetTensorDataAsSpan<float>().ToArray(),
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64 => results[i].GetTensorDataAsSpan<long>().ToArray(),
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32 => results[i].GetTensorDataAsSpan<int>().ToArray(),
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Bool => results[i].GetTensorDataAsSpan<bool>().ToArray(),
                var other => throw new InvalidOperationException($"{outputs[i]}: {other}"),
            };
            all[outputs[i]] = (info.Shape, values);
        }
        return all;
    }

    /// <summary>The first <paramref name="rows"/> rows of an .npy input as a tensor.</summary>
    public static Tensor Rows(NpyArray input, int rows)
    {
        var shape = input.Shape;
        long perRow = input.Length / shape[0];
        shape[0] = rows;
        return input.Data switch
        {
            float[] f => tensor(f[..(int)(rows * perRow)], shape),
            long[] l => tensor(l[..(int)(rows * perRow)], shape),
            var other => throw new InvalidOperationException(other.GetType().Name),
        };
    }

    /// <summary>max |a - b| over max |b|: differences relative to the tensor's scale, so near-zero entries of a
    /// large tensor do not dominate.</summary>
    public static double RelativeDifference(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        return worst / Math.Max(scale, 1e-30);
    }

    public static double[] ToDoubles(Tensor t) => t.detach().to_type(ScalarType.Float64).contiguous().flatten().data<double>().ToArray();
}
