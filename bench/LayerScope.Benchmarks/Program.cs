using BenchmarkDotNet.Running;
using LayerScope.Benchmarks;

// `dotnet run -c Release --project bench/LayerScope.Benchmarks -- table` prints the t-SNE/UMAP comparison table
// (ComparisonTable); `-- viewer` times the viewer's first frame on 1,000,000 points (ViewerFirstFrame);
// `-- units [weights]` measures the CNN demo's unit scan and synthesis on the full data (UnitsProbe);
// `-- dynamics` times banknote training with and without the training dynamics recorder (DynamicsOverhead);
// `-- --filter '*'` runs every BenchmarkDotNet benchmark; --filter picks some (BenchmarkSwitcher).
if (args.Length > 0 && args[0] == "table") return ComparisonTable.Run(args[1..]);
if (args.Length > 0 && args[0] == "profile") return StageProfile.Run(args[1..]);
if (args.Length > 0 && args[0] == "pca") return PcaScale.Run(args[1..]);
if (args.Length > 0 && args[0] == "dynamics") return DynamicsOverhead.Run(args[1..]);
if (args.Length > 0 && args[0] == "units") return UnitsProbe.Run(args[1..]);
if (args.Length > 0 && args[0] == "viewer") return ViewerFirstFrame.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
