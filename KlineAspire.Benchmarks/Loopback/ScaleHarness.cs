using System.Diagnostics;
using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;

namespace KlineAspire.Benchmarks.Loopback;

/// <summary>
/// Every interval of thousands of symbols against the simulator: connections used, steady-state memory, and the
/// time and size of a full <c>/metrics</c> scrape with every stream present, scraped as Prometheus scrapes (OpenMetrics,
/// gzip) and as plain text. <c>--apphost</c> runs the ingestor with the OpenTelemetry environment the AppHost gives.
/// </summary>
internal static class ScaleHarness
{
    private static readonly string[] AllIntervals = ["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"];

    // Each stream gets its previous candle's final update now, so that every closed-candle series is exported. The
    // ingestor accepts a final update only within ClockTolerance of its candle's end, which for 1d to 1M lies days or
    // weeks back: with the default 5 minutes, 1s to 5m alone had closed candles (360,000 series instead of 504,000).
    private const string PastFinalUpdatesAccepted = "--Binance:ClockTolerance=62.00:00:00";

    public static async Task<int> RunAsync(int symbolCount, string[] settings)
    {
        var streams = symbolCount * AllIntervals.Length;
        var symbols = Enumerable.Range(0, symbolCount).Select(i => $"X{i:D5}USDT").ToArray();
        // exchangeInfo lists exactly these symbols: literals are checked against it, and --pattern selects them all with *USDT.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero, Symbols = [.. symbols] });
        var pattern = settings.Contains("--pattern");
        var asUnderAppHost = settings.Contains("--apphost");
        settings = [.. settings.Where(setting => setting is not ("--pattern" or "--apphost"))];
        // Under the AppHost the ingestor also exports over OTLP every second, with Aspire's OTEL_* variables.
        await using var otlp = asUnderAppHost ? await OtlpSink.StartAsync() : null;
        var clock = Stopwatch.StartNew();
        await using var ingestor = await IngestorProcess.StartAsync(simulator.WebSocketBaseUri, pattern ? ["*USDT"] : symbols, AllIntervals,
            ["--Binance:NoDataTimeout=00:10:00", $"--Binance:RestEndpoint={simulator.HttpBaseUri}", PastFinalUpdatesAccepted, .. settings], otlp?.AppHostEnvironment());

        await SimulatorReadiness.WaitForAsync(simulator, streams, connections: 0, TimeSpan.FromMinutes(5));
        var subscribedAfter = clock.Elapsed;

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var candles = symbols.SelectMany((symbol, i) => AllIntervals.Select(interval => LoopbackHarness.Candle(symbol, now, 1000m + i + 0.5m, interval))).ToList();
        foreach (var candle in candles)
        {
            // The previous candle's closing update first, so the closed-candle series are exported (and measured) too.
            var calendar = KlineCalendar.Parse(candle.Interval);
            var previousOpen = calendar.PreviousOpenTime(candle.OpenTime);
            await simulator.PublishAsync(candle with { EventTime = now - 1, OpenTime = previousOpen, CloseTime = calendar.CloseTime(previousOpen), IsClosed = true });
            await simulator.PublishAsync(candle);
        }

        // Scraped as Prometheus only until the memory is sampled: the exporter keeps a response buffer per format.
        string exposition;
        do
        {
            exposition = (await ingestor.ScrapeAsync(asPrometheus: true)).Text;
        }
        while (MetricsSamples.Count(exposition, "kline_close_price") < streams && clock.Elapsed < TimeSpan.FromMinutes(5));

        var closes = MetricsSamples.ValuesByLabels(exposition, "kline_close_price");
        var correct = candles.Count(c => closes.GetValueOrDefault($"interval=\"{c.Interval}\",symbol=\"{c.Symbol}\"") == c.Close.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var overflow = exposition.Contains("otel_metric_overflow", StringComparison.Ordinal);

        // Steady state: a minute of scrapes 5 s apart, as a local Prometheus would (OpenMetrics, gzip), then measure. The
        // first scrapes grow the exporter's buffer by doubling; the runtime returns the freed large-object space over the
        // next seconds.
        var scrapes = new List<Scrape>();
        var residentSet = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            scrapes.Add(await ingestor.ScrapeAsync(asPrometheus: true));
            // RSS swings by tens of MiB with the timing of the last collection: sample the second half, between scrapes.
            if (i >= 6)
            {
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                residentSet.Add(ingestor.Memory.Current);
            }
        }

        // Plain text for comparison, after the memory samples.
        var plainScrapes = new List<Scrape>();
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            plainScrapes.Add(await ingestor.ScrapeAsync(asPrometheus: false));
        }

        GC.KeepAlive(simulator);
        var memory = ingestor.Memory;
        var prometheus = scrapes[^1];
        var final = prometheus.Text;
        var heap = MetricsSamples.Sum(final, "dotnet_gc_last_collection_heap_size_bytes");
        var prometheusTimes = scrapes.Select(scrape => scrape.Elapsed.TotalMilliseconds).Order().ToList();
        var plainTimes = plainScrapes.Select(scrape => scrape.Elapsed.TotalMilliseconds).Order().ToList();
        residentSet.Sort();
        Console.WriteLine($"""
            scale result
              streams                {streams:N0} ({symbolCount:N0} symbols{(pattern ? " selected by *USDT from exchangeInfo" : "")} × {AllIntervals.Length} intervals){(settings.Length > 0 ? ", " + string.Join(' ', settings) : "")}
              environment            {(otlp is null ? "standalone (no OTEL_* variables)" : $"as under the AppHost: OTEL_METRICS_EXEMPLAR_FILTER=trace_based, OTLP metrics every 1 s ({otlp.MetricsExports} exports received)")}
              per-stream series      {plainScrapes[^1].Text.AsSpan().Count("symbol=\""):N0} in /metrics
              connections            {simulator.OpenConnections} (peak {simulator.PeakOpenConnections}); all subscribed after {subscribedAfter.TotalSeconds:F1} s
              limit violations       rate {simulator.RateLimitViolations}, streams {simulator.StreamLimitViolations}; max {simulator.MaxObservedIncomingMessagesPerSecond} msgs/s on a connection
              exported close prices  {MetricsSamples.Count(exposition, "kline_close_price"):N0}, correct {correct:N0}
              overflow series        {(overflow ? "PRESENT" : "none")}
              /metrics as Prometheus {prometheus.MediaType}{(prometheus.Gzip ? ", gzip" : ", NOT compressed")}: {prometheus.WireBytes / 1048576.0:F1} MiB on the wire ({Encoding.UTF8.GetByteCount(prometheus.Text) / 1048576.0:F1} MiB of text); median {prometheusTimes[prometheusTimes.Count / 2]:F0} ms, max {prometheusTimes[^1]:F0} ms over {prometheusTimes.Count} scrapes 5 s apart
              /metrics as plain text {plainScrapes[^1].WireBytes / 1048576.0:F1} MiB; median {plainTimes[plainTimes.Count / 2]:F0} ms, max {plainTimes[^1]:F0} ms over {plainTimes.Count} scrapes 5 s apart, after the RSS samples
              ingestor RSS           {residentSet[residentSet.Count / 2] / 1048576.0:F0} MiB median ({residentSet[0] / 1048576.0:F0}–{residentSet[^1] / 1048576.0:F0}) of {residentSet.Count} samples between the Prometheus scrapes; {memory.Current / 1048576.0:F0} MiB now, {memory.Peak / 1048576.0:F0} MiB peak
              managed heap           {heap / 1048576.0:F0} MiB after the last GC before the plain-text scrapes ({MetricsSamples.Sum(final, "dotnet_gc_last_collection_heap_fragmentation_size_bytes") / 1048576.0:F0} MiB of it free), GC committed {MetricsSamples.Sum(final, "dotnet_gc_last_collection_memory_committed_size_bytes") / 1048576.0:F0} MiB
            """);
        return correct == streams && !overflow && simulator.RateLimitViolations == 0 && simulator.StreamLimitViolations == 0 ? 0 : 1;
    }
}
