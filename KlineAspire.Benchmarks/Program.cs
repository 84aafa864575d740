using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using KlineAspire.Benchmarks;
using KlineAspire.Benchmarks.Loopback;

// dotnet run -c Release --project KlineAspire.Benchmarks -- --filter '*'            full BenchmarkDotNet jobs
// dotnet run -c Release --project KlineAspire.Benchmarks -- --filter '*' --quick    one launch, 3 warm-ups, 5 iterations
// dotnet run -c Release --project KlineAspire.Benchmarks -- --smoke                 run every scenario once and verify it
// dotnet run -c Release --project KlineAspire.Benchmarks -- --loopback [connections] [framesPerConnection]
// dotnet run -c Release --project KlineAspire.Benchmarks -- --scale [symbols] [--pattern] [--apphost] [--Key=Value ...]
//     every interval of N symbols (default 3000), named or by *USDT, standalone or with the AppHost's OTEL_* environment, ingestor settings
if (args.Contains("--smoke"))
{
    return await Smoke.RunAsync();
}

if (args is ["--loopback", ..])
{
    var connections = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
    var frames = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    return await LoopbackHarness.RunAsync(connections, streamsPerConnection: 100, framesPerConnection: frames / connections);
}

if (args is ["--memory", ..])
{
    return await MemoryProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 48_000);
}

if (args is ["--scale", ..])
{
    return await ScaleHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3000, [.. args.Skip(2)]);
}

var quick = args.Contains("--quick");
var config = DefaultConfig.Instance
    .AddColumn(new OperationsPerSecondColumn())
    .WithOptions(ConfigOptions.JoinSummary);
if (quick)
{
    config = config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithId("Quick"));
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(ParseAndStoreBenchmarks).Assembly)
    .Run([.. args.Where(arg => arg != "--quick")], config);
return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
