using System.Collections.Concurrent;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using KlineAspire.Tests.Simulator;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Every number is one that existed: under a flood of updates, each scrape shows every stream's candle from one
/// update. The feed alternates each stream between two price levels far apart, so any scrape that mixed fields of
/// two updates shows a candle that breaks low ≤ open, close ≤ high.
/// </summary>
public class ScrapeConsistencyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Symbols = [.. Enumerable.Range(0, 20).Select(i => $"T{i:D2}USDT")];

    [Fact]
    public async Task Back_to_back_scrapes_under_a_flood_never_show_a_torn_candle()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, TestContext.Current.CancellationToken);
        await using var ingestor = await StartFloodedAsync(simulator);
        await using var flood = Flood.Start(simulator);
        await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == Symbols.Length, "every stream has a candle");

        var candles = 0;
        var torn = new List<string>();
        var closes = new HashSet<double>();
        for (var scrape = 0; scrape < 400 || candles < 5_000; scrape++)
        {
            var metrics = await ingestor.ScrapeAsync();
            foreach (var symbol in Symbols)
            {
                var (open, high, low, close) = (metrics.Kline("kline_open_price", symbol, "1h"), metrics.Kline("kline_high_price", symbol, "1h"),
                    metrics.Kline("kline_low_price", symbol, "1h"), metrics.Kline("kline_close_price", symbol, "1h"));
                Assert.True(open is not null && high is not null && low is not null && close is not null, $"{symbol} lost a series in scrape {scrape}");
                candles++;
                closes.Add(close.Value);
                if (!(low <= open && open <= high && low <= close && close <= high))
                {
                    torn.Add($"{symbol}: o={open} h={high} l={low} c={close}");
                }
            }
        }

        Assert.True(flood.Published > 10_000, $"the flood published {flood.Published} updates");
        Assert.True(closes.Count > 100, $"the scrapes saw only {closes.Count} distinct closes: the flood did not interleave with them");
        Assert.True(torn.Count == 0, $"{torn.Count} torn candles of {candles}: {string.Join("; ", torn.Take(5))}");
    }

    [Fact]
    public async Task A_real_prometheus_scraping_under_a_flood_stores_no_torn_candle()
    {
        ExternalTool.Prometheus.Require();
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, TestContext.Current.CancellationToken);
        await using var ingestor = await StartFloodedAsync(simulator);
        await using var flood = Flood.Start(simulator);
        await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == Symbols.Length, "every stream has a candle");

        await using var prometheus = await PrometheusServer.StartAsync("ingestor", ingestor.BaseAddress, TimeSpan.FromMilliseconds(200));
        // Wait for enough scrapes stored, then read every raw sample of the four prices with its scrape timestamp.
        var samples = await Eventually.MatchAsync(
            () => PrometheusApi.QuerySamplesAsync(prometheus.Http, "{__name__=~\"kline_(open|high|low|close)_price\"}[5m]"),
            result => result.Count == 4 * Symbols.Length && result.All(series => series.Points.Count >= 30),
            Timeout, "Prometheus has stored 30 scrapes of every price series");

        var byScrape = samples
            .SelectMany(series => series.Points.Select(point => (Stream: series.Labels["symbol"], Field: series.Labels["__name__"], point.Time, point.Value)))
            .GroupBy(sample => (sample.Stream, sample.Time))
            .ToList();
        var torn = byScrape
            .Select(group => group.ToDictionary(sample => sample.Field, sample => sample.Value))
            .Where(candle => candle.Count == 4 && !(candle["kline_low_price"] <= candle["kline_open_price"] && candle["kline_open_price"] <= candle["kline_high_price"]
                && candle["kline_low_price"] <= candle["kline_close_price"] && candle["kline_close_price"] <= candle["kline_high_price"]))
            .ToList();
        Assert.True(byScrape.All(group => group.Count() == 4), "every scrape stored all four prices of every stream");
        Assert.True(byScrape.Count >= 30 * Symbols.Length);
        Assert.True(samples.Single(s => s.Labels["symbol"] == Symbols[0] && s.Labels["__name__"] == "kline_close_price").Points.Select(p => p.Value).Distinct().Count() > 5,
            "the stored closes changed between scrapes");
        Assert.Empty(torn);
    }

    /// <summary>An ingestor of the test's streams, subscribed, whose every GET renders a fresh collection.</summary>
    private static async Task<RunningIngestor> StartFloodedAsync(BinanceSimulator simulator)
    {
        var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, Symbols, ["1h"], configure: builder =>
            // The exporter's 300 ms response cache would hide most collections.
            builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        await simulator.WaitForSubscribedStreamsAsync(Symbols.Length, Timeout);
        return ingestor;
    }

    /// <summary>Publishes updates to every stream as fast as the simulator takes them, alternating two price levels.</summary>
    private sealed class Flood : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;
        private long _published;

        private Flood(BinanceSimulator simulator) => _running = Task.Run(() => RunAsync(simulator, _stop.Token));

        public long Published => Interlocked.Read(ref _published);

        public static Flood Start(BinanceSimulator simulator) => new(simulator);

        private async Task RunAsync(BinanceSimulator simulator, CancellationToken stop)
        {
            var sequence = 0;
            while (!stop.IsCancellationRequested)
            {
                sequence++;
                foreach (var symbol in Symbols)
                {
                    await simulator.PublishAsync(Candle(symbol, sequence));
                    Interlocked.Increment(ref _published);
                }
            }
        }

        /// <summary>Update n of a stream: around 100 when n is even, around 200 when odd, always a valid candle.</summary>
        private static KlineCandle Candle(string symbol, int sequence)
        {
            var level = sequence % 2 == 0 ? 100m : 200m;
            var wiggle = sequence % 1000 * 0.0001m;
            return Candles.Make(symbol, "1h", sequence) with
            {
                Open = level + wiggle,
                High = level + 1 + wiggle,
                Low = level - 1 + wiggle,
                Close = level + 0.5m + wiggle,
            };
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
        }
    }
}
