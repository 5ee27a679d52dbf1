using LayerScope.Onnx;
using LayerScope.Onnx.Proto;
using LayerScope.Testing;

namespace LayerScope.Tests.Onnx;

/// <summary>Crafted model files that must end in an <see cref="OnnxModelFormatException"/> naming the file, never in
/// a crash of the process.</summary>
public sealed class OnnxModelRefusalTests
{
    [Fact]
    public void Subgraphs_nested_ten_thousand_deep_are_refused_instead_of_overflowing_the_stack()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("nested.onnx");
        File.WriteAllBytes(path, NestedModel(10_000));

        var error = Assert.Throws<OnnxModelFormatException>(() => OnnxModel.Open(path));

        Assert.Contains("nested.onnx", error.Message);
        Assert.Contains("nest deeper than 64 levels", error.Message);
    }

    [Fact]
    public void Subgraphs_nested_a_few_levels_are_read()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("nested.onnx");
        File.WriteAllBytes(path, NestedModel(5));

        var model = OnnxModel.Open(path);

        var graph = model.Graph;
        for (int level = 0; level < 5; level++) graph = graph.Nodes.Single().Attributes.Single().Graphs.Single();
        Assert.Empty(graph.Nodes);
    }

    /// <summary>A model whose graph holds one If-like node whose attribute holds a graph, <paramref name="depth"/>
    /// times over. Built from the inside out, so the test itself needs no recursion.</summary>
    internal static byte[] NestedModel(int depth)
    {
        byte[] graph = ProtoWire.EncodeString(GraphProto.NameField, "inner");
        for (int level = 0; level < depth; level++)
        {
            var attribute = ProtoWire.Concat([
                ProtoWire.EncodeString(AttributeProto.NameField, "then_branch"),
                ProtoWire.EncodeVarint(AttributeProto.TypeField, (long)AttributeType.Graph),
                ProtoWire.EncodeLengthDelimited(AttributeProto.GField, graph)]);
            var node = ProtoWire.Concat([
                ProtoWire.EncodeString(NodeProto.OpTypeField, "If"),
                ProtoWire.EncodeLengthDelimited(NodeProto.AttributeField, attribute)]);
            graph = ProtoWire.EncodeLengthDelimited(GraphProto.NodeField, node);
        }
        return ProtoWire.Concat([
            ProtoWire.EncodeVarint(ModelProto.IrVersionField, 8),
            ProtoWire.EncodeLengthDelimited(ModelProto.GraphField, graph)]);
    }
}
