using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Benchmarks;

/// <summary>Where the ingestor's memory goes at scale: live managed heap after each stage, with a full GC between.</summary>
internal static class MemoryProbe
{
    public static async Task<int> RunAsync(int streams)
    {
        static long Live() => GC.GetTotalMemory(forceFullCollection: true);
        static void Report(string stage, long bytes, long baseline) =>
            Console.WriteLine($"  {stage,-34} {bytes / 1048576.0,8:F1} MiB live  (+{(bytes - baseline) / 1048576.0:F1})");

        var universe = StreamUniverse.Of(streams);
        var start = Live();
        Console.WriteLine($"memory probe: {universe.Count:N0} streams");
        Report("process before the ingestor", start, start);
        await using var ingestor = await BenchmarkIngestor.BuildAsync(universe);
        await ingestor.StartAsync();
        var built = Live();
        Report("ingestor built and started", built, start);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var frame = default(ParsedFrame);
        var index = 0;
        foreach (var (symbol, interval) in universe.Streams())
        {
            ingestor.Processor.Process(KlineFrames.Utf8(KlineValues.For(symbol, interval, index++, 0, now, now - now % 60_000), combined: true), ref frame);
        }

        var filled = Live();
        Report("store filled", filled, built);
        using var http = new HttpClient { BaseAddress = ingestor.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var size = (await http.GetStringAsync("/metrics")).Length;
        var scraped = Live();
        Report($"after 1st scrape ({size / 1048576.0:F0} MiB)", scraped, filled);
        await http.GetStringAsync("/metrics");
        Report("after 2nd scrape", Live(), scraped);
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"  process working set                {Environment.WorkingSet / 1048576.0,8:F1} MiB");
        Console.WriteLine($"  GC committed / heap / fragmented   {gc.TotalCommittedBytes / 1048576.0:F1} / {gc.HeapSizeBytes / 1048576.0:F1} / "
            + $"{gc.FragmentedBytes / 1048576.0:F1} MiB");
        for (var generation = 0; generation < gc.GenerationInfo.Length; generation++)
        {
            var info = gc.GenerationInfo[generation];
            Console.WriteLine($"    generation {generation} (3 = LOH, 4 = POH)         {info.SizeAfterBytes / 1048576.0,8:F1} MiB, "
                + $"fragmented {info.FragmentationAfterBytes / 1048576.0:F1} MiB");
        }
        if (Environment.GetEnvironmentVariable("KLINE_PROBE_HOLD") is { } hold)
        {
            // Time to attach dotnet-gcdump / dotnet-counters to this process.
            Console.WriteLine($"  holding {hold} s for inspection, pid {Environment.ProcessId}");
            await Task.Delay(TimeSpan.FromSeconds(int.Parse(hold, System.Globalization.CultureInfo.InvariantCulture)));
        }
        return 0;
    }
}
