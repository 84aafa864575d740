using System.Diagnostics;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;

namespace KlineAspire.Benchmarks.Loopback;

/// <summary>
/// End to end over loopback: the simulator's load mode pushes pre-serialised kline frames as fast as the sockets take
/// them into a separate ingestor process; the clock stops when a final sentinel value shows in every stream's
/// <c>/metrics</c> series.
/// </summary>
internal static class LoopbackHarness
{
    private const decimal Sentinel = 777.77m;

    public static async Task<int> RunAsync(int connections, int streamsPerConnection, int framesPerConnection)
    {
        var streams = connections * streamsPerConnection;
        // Pings are written by the socket's own timer, outside the burst's batches: keep them out of the measured window.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions
        {
            UpdatePeriod = TimeSpan.Zero,
            LoadMode = true,
            PingInterval = TimeSpan.FromMinutes(10),
            PongTimeout = TimeSpan.FromMinutes(10),
        });
        var symbols = Enumerable.Range(0, streams).Select(i => $"L{i:D5}USDT").ToArray();
        await using var ingestor = await IngestorProcess.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m"],
            $"--Binance:MaxStreamsPerConnection={streamsPerConnection}", "--Binance:NoDataTimeout=00:10:00");
        await SimulatorReadiness.WaitForAsync(simulator, streams, connections, TimeSpan.FromMinutes(3));

        var firstSample = await TimeToFirstSampleAsync(simulator, ingestor, symbols[0]);

        // Every frame distinct (each stream's event time rises by 1 ms a round, price changing) so each one is parsed and
        // applied, not skipped as old; a round per millisecond keeps every event time within the ingestor's clock
        // tolerance (a million frames over 100 streams end 10 s ahead).
        Console.WriteLine($"loopback: building {framesPerConnection:N0} frames for each of {connections} connection(s)...");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var bursts = simulator.Connections.Select(connection =>
        {
            var names = connection.Streams.Order(StringComparer.Ordinal).ToArray();
            var frames = new ReadOnlyMemory<byte>[framesPerConnection];
            for (var i = 0; i < framesPerConnection; i++)
            {
                var symbol = names[i % names.Length][..names[i % names.Length].IndexOf('@')].ToUpperInvariant();
                frames[i] = Candle(symbol, now + 1 + i / names.Length, 100m + (i % 10_000) * 0.01m).ToUtf8(connection.Combined);
            }

            return (connection, frames);
        }).ToList();
        GC.Collect();

        var receivedBefore = MetricsSamples.Sum(await ingestor.ScrapeAsync(), "kline_ingestor_messages_received_total");
        var cpuBefore = ingestor.CpuTime;
        var clock = Stopwatch.StartNew();
        var sent = await Task.WhenAll(bursts.Select(b => simulator.SendBurstAsync(b.connection, b.frames, rounds: 1)));
        var sendElapsed = clock.Elapsed;
        var sentinels = symbols.Select(symbol => Candle(symbol, now + framesPerConnection / streamsPerConnection + 10, Sentinel)).ToList();
        foreach (var candle in sentinels)
        {
            await simulator.PublishAsync(candle);
        }

        string exposition;
        do
        {
            exposition = await ingestor.ScrapeAsync();
        }
        while (MetricsSamples.CountWithValue(exposition, "kline_close_price", "777.77") < streams && clock.Elapsed < TimeSpan.FromMinutes(5));

        var elapsed = clock.Elapsed;
        var cpu = ingestor.CpuTime - cpuBefore;
        var memory = ingestor.Memory;
        var total = sent.Sum() + sentinels.Count;
        var received = MetricsSamples.Sum(exposition, "kline_ingestor_messages_received_total") - receivedBefore;
        var invalid = MetricsSamples.Sum(exposition, "kline_ingestor_invalid_frames_total");
        var complete = MetricsSamples.CountWithValue(exposition, "kline_close_price", "777.77") == streams;

        Console.WriteLine($"""
            loopback result
              connections            {connections}
              streams                {streams:N0}
              frames sent            {total:N0} (send side done after {sendElapsed.TotalSeconds:F2} s)
              frames received        {received:N0}
              invalid frames         {invalid:N0}
              sentinel in /metrics   {(complete ? "every stream" : "MISSING")}
              elapsed to sentinel    {elapsed.TotalSeconds:F2} s
              throughput             {total / elapsed.TotalSeconds:N0} frames/s
              ingestor CPU           {cpu.TotalSeconds:F2} s ({cpu / elapsed:P0} of one core)
              ingestor RSS           {memory.Current / 1048576.0:F0} MiB now, {memory.Peak / 1048576.0:F0} MiB peak
              first frame → /metrics {firstSample.TotalMilliseconds:F0} ms
            """);
        return complete && received == total && invalid == 0 ? 0 : 1;
    }

    /// <summary>From publishing a stream's first frame to seeing it in a scrape (includes the exporter's response cache).</summary>
    internal static async Task<TimeSpan> TimeToFirstSampleAsync(BinanceSimulator simulator, IngestorProcess ingestor, string symbol)
    {
        var clock = Stopwatch.StartNew();
        await simulator.PublishAsync(Candle(symbol, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 555.55m));
        while (MetricsSamples.CountWithValue(await ingestor.ScrapeAsync(), "kline_close_price", "555.55") == 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the first frame never reached /metrics");
            }

            await Task.Delay(10);
        }

        return clock.Elapsed;
    }

    internal static KlineCandle Candle(string symbol, long eventTime, decimal close, string interval = "1m")
    {
        var calendar = KlineCalendar.Parse(interval);
        var open = calendar.OpenTimeAt(eventTime);
        var closeTime = calendar.CloseTime(open);
        return new KlineCandle(symbol, interval, eventTime, open, closeTime, 1, 2, close, close, close + 1, close - 1, 12.5m, 2, false,
            close * 12.5m, 6m, close * 6m);
    }
}
