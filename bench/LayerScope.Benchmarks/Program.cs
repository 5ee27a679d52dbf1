using BenchmarkDotNet.Running;
using LayerScope.Benchmarks;

// `dotnet run -c Release --project bench/LayerScope.Benchmarks -- MODE [arguments]` runs one of the modes below; any
// other arguments go to BenchmarkDotNet (`-- --filter '*'` runs every BenchmarkDotNet benchmark; --filter picks some).
// One line per mode, so that adding a mode touches one line.
var modes = new Dictionary<string, (Func<string[], int> Run, string What)>
{
    ["table"] = (ComparisonTable.Run, "the t-SNE/UMAP comparison table (ComparisonTable; --json: one line per method and N)"),
    ["profile"] = (StageProfile.Run, "time per reduction stage (StageProfile)"),
    ["umap-profile"] = (UmapStageProfile.Run, "time per UMAP stage on a matrix, embedding written for scoring (UmapStageProfile)"),
    ["knn"] = (KnnScale.Run, "exact and NN-descent kNN graphs: time and recall (KnnScale)"),
    ["knn-gemm"] = (KnnGemmShapes.Run, "the kNN cell search's GEMM shapes on one libtorch thread, float32 and bfloat16 (KnnGemmShapes)"),
    ["pca"] = (PcaScale.Run, "PCA at scale (PcaScale)"),
    ["dynamics"] = (DynamicsOverhead.Run, "training with and without the training dynamics recorder (DynamicsOverhead)"),
    ["onnx-torch"] = (OnnxTorchSpeed.Run, "the ONNX-on-TorchSharp executor's forward time against ONNX Runtime's (OnnxTorchSpeed)"),
    ["onnx-ab"] = (OnnxTorchAb.Run, "variants of one ONNX fixture's forward pass interleaved: ORT and the executor on N threads (OnnxTorchAb)"),
    ["onnx-nodes"] = (OnnxTorchAb.Nodes, "the ONNX executor's time per node (OnnxTorchAb.Nodes)"),
    ["units"] = (UnitsProbe.Run, "the CNN demo's unit scan and synthesis on the full data (UnitsProbe)"),
    ["viewer"] = (ViewerFirstFrame.Run, "the viewer's first frame on 1,000,000 points (ViewerFirstFrame; --embed: on the run `layerscope embed` writes)"),
    ["load"] = (ViewerLoad.Run, "50 loopback clients on a 1,000,000-point run: error rate, p99, peak memory (ViewerLoad)"),
    ["attribution"] = (AttributionCost.Run, "LRP and gradient × input against the forward on the Fashion-MNIST test set (AttributionCost)"),
    ["placement"] = (PlacementQuality.Run, "fit a sample, place the rest (embed --reference) against a full fit: time and label accuracy (PlacementQuality)"),
    ["lrp-steps"] = (LrpStepProfile.Run, "time per LRP step (LrpStepProfile)"),
    ["tsne-scale"] = (TsneScale.Run, "t-SNE stages on a matrix at scale: wall, CPU and peak memory per stage, the repulsion grid (TsneScale)"),
    ["repulsion-error"] = (RepulsionAccuracy.Run, "the FFT t-SNE repulsion's force and Z error against the exact sum on a saved layout (RepulsionAccuracy)"),
};
if (args.Length > 0 && modes.TryGetValue(args[0], out var mode)) return mode.Run(args[1..]);
if (args.Length > 0 && args[0] == "modes")
{
    foreach (var (name, (_, what)) in modes) Console.WriteLine($"{name,-12} {what}");
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ViewerFirstFrame).Assembly).Run(args);
return 0;
