using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/LayerScope.Benchmarks -- --filter '*'` runs every benchmark;
// --filter picks some (BenchmarkSwitcher).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
