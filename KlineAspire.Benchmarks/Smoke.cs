namespace KlineAspire.Benchmarks;

/// <summary>Runs the setup (with its verification) and one operation of every benchmark, without measuring.</summary>
internal static class Smoke
{
    public static async Task<int> RunAsync()
    {
        foreach (var streams in new[] { 1024, 48_000 })
        {
            var parse = new ParseAndStoreBenchmarks { Streams = streams };
            parse.Setup();
            Console.WriteLine($"parse+store, {streams} streams: raw {parse.ProcessRaw()} and combined {parse.ProcessCombined()} klines applied per batch");
            parse.Cleanup();
        }

        foreach (var streams in new[] { 100, 10_000, 50_000 })
        {
            var scrape = new ScrapeBenchmarks { Streams = streams };
            await scrape.SetupAsync();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var bytes = await scrape.Scrape();
            Console.WriteLine($"scrape, {streams} streams: {bytes:N0} bytes in "
                + $"{System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:N0} ms (unwarmed)");
            scrape.Cleanup();
        }

        return 0;
    }
}
