namespace LayerScope.Onnx;

/// <summary>One node of the graph as the layer table shows it.</summary>
/// <param name="Name">The node name ("/lstm/LSTM"); may be empty in hand-made models.</param>
/// <param name="OpType">The operator ("LSTM", "Gemm").</param>
/// <param name="Scope">The module scope from the name ("/lstm"), "" for the top level.</param>
/// <param name="Inputs">Input tensor names ("" for a left-out optional input).</param>
/// <param name="Outputs">Output tensors (left-out optional outputs are omitted).</param>
public sealed record OnnxNodeInfo(string Name, string OpType, string Scope, IReadOnlyList<string> Inputs, IReadOnlyList<OnnxTensorInfo> Outputs);
