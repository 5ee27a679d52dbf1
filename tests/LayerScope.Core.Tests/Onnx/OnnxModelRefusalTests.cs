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

    [Fact]
    public void A_length_of_2_to_the_34_is_refused_rather_than_read_as_an_empty_graph()
    {
        // Read as 32 bits, 2**34 is 0: the graph would be empty and its bytes would turn into other model fields.
        using var folder = new TemporaryFolder();
        var path = folder.File("wrapped.onnx");
        byte[] length = [0x80, 0x80, 0x80, 0x80, 0x40];
        var graph = ProtoWire.EncodeString(GraphProto.NameField, "main");
        File.WriteAllBytes(path, ProtoWire.Concat([
            ProtoWire.EncodeVarint(ModelProto.IrVersionField, 8),
            new byte[] { (ModelProto.GraphField << 3) | 2 }, length, graph]));

        var error = Assert.Throws<OnnxModelFormatException>(() => OnnxModel.Open(path));

        Assert.Contains("wrapped.onnx", error.Message);
        Assert.Contains("declares a length of 17179869184 bytes", error.Message);
    }

    [Fact]
    public void A_float_attribute_encoded_as_a_varint_is_refused_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("varint-float.onnx");
        var attribute = ProtoWire.Concat([
            ProtoWire.EncodeString(AttributeProto.NameField, "alpha"),
            ProtoWire.EncodeVarint(AttributeProto.TypeField, (long)AttributeType.Float),
            ProtoWire.EncodeVarint(AttributeProto.FField, 1)]);
        var node = ProtoWire.Concat([
            ProtoWire.EncodeString(NodeProto.OpTypeField, "LeakyRelu"),
            ProtoWire.EncodeLengthDelimited(NodeProto.AttributeField, attribute)]);
        File.WriteAllBytes(path, ProtoWire.Concat([
            ProtoWire.EncodeVarint(ModelProto.IrVersionField, 8),
            ProtoWire.EncodeLengthDelimited(ModelProto.GraphField, ProtoWire.EncodeLengthDelimited(GraphProto.NodeField, node))]));

        var error = Assert.Throws<OnnxModelFormatException>(() => OnnxModel.Open(path));

        Assert.Contains("varint-float.onnx", error.Message);
        Assert.Contains("AttributeProto.f", error.Message);
        Assert.Contains("Fixed32", error.Message);
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
