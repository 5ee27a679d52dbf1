using System.Text.Json;
using LayerScope.Testing;

namespace LayerScope.Tests.Onnx;

/// <summary>One entry of ../shared/onnx/cases.json: a model, an input, and activations PyTorch recorded.</summary>
public sealed record OnnxCase(string Model, string Input, string Layer, string Module, string Ref, long[] Shape)
{
    /// <summary>True when <see cref="Module"/> names a module scope (not "(graph output)").</summary>
    public bool HasModuleScope => !Module.StartsWith('(');

    public override string ToString() => $"{Model}:{Layer}";

    public static IReadOnlyList<OnnxCase> Load()
    {
        if (TestData.OnnxDirectory is null || !File.Exists(Path.Combine(TestData.OnnxDirectory, "cases.json"))) return [];
        var json = File.ReadAllText(TestData.OnnxFile("cases.json"));
        return JsonSerializer.Deserialize<List<OnnxCase>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    /// <summary>Theory data: every case, or one placeholder row when the data is missing (the theory is skipped then).</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        var cases = Load();
        foreach (var c in cases) data.Add(c.ToString());
        if (cases.Count == 0) data.Add("missing");
        return data;
    }

    /// <summary>Theory data: the cases whose layer is a module's output (graph outputs have no module scope), or one
    /// placeholder row when the data is missing. Present data with no such case is an error, not an empty theory.</summary>
    public static TheoryData<string> ModuleScopeNames()
    {
        var data = new TheoryData<string>();
        var cases = Load();
        foreach (var c in cases.Where(c => c.HasModuleScope)) data.Add(c.ToString());
        if (cases.Count == 0) data.Add("missing");
        else if (data.Count == 0) throw new InvalidOperationException("cases.json has no case with a module scope.");
        return data;
    }

    public static OnnxCase Find(string name) => Load().Single(c => c.ToString() == name);
}
