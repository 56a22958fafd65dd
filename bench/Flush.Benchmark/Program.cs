using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Flush.Benchmark.DecodeBenchmarks).Assembly).Run(args);
