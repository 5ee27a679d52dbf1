using BenchmarkDotNet.Running;
using LayerScope.Benchmarks;

// `dotnet run -c Release --project bench/LayerScope.Benchmarks -- table` prints the t-SNE/UMAP comparison table
// (ComparisonTable); `-- viewer` times the viewer's first frame on 1,000,000 points (ViewerFirstFrame);
// `-- load [points] [clients] [seconds]` puts 50 clients on a 1,000,000-point run for 30 s and reports error rate,
// p99 and peak memory (ViewerLoad); `-- dynamics` times banknote training with and without the training dynamics recorder (DynamicsOverhead);
// `-- viewer 1000000 3 --embed` does the same on the run `layerscope embed` writes;
// `-- --filter '*'` runs every BenchmarkDotNet benchmark; --filter picks some (BenchmarkSwitcher).
if (args.Length > 0 && args[0] == "table") return ComparisonTable.Run(args[1..]);
if (args.Length > 0 && args[0] == "profile") return StageProfile.Run(args[1..]);
if (args.Length > 0 && args[0] == "pca") return PcaScale.Run(args[1..]);
if (args.Length > 0 && args[0] == "dynamics") return DynamicsOverhead.Run(args[1..]);
if (args.Length > 0 && args[0] == "viewer") return ViewerFirstFrame.Run(args[1..]);
if (args.Length > 0 && args[0] == "load") return ViewerLoad.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(ViewerFirstFrame).Assembly).Run(args);
return 0;
