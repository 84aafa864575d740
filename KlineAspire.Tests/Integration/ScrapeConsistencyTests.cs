using System.Collections.Concurrent;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Every number is one that existed: under a flood of updates, each scrape shows every stream's candle from one
/// update. The feed alternates each stream between two price levels far apart, so any scrape that mixed prices of
/// two updates shows a candle that breaks low ≤ open, close ≤ high; and every update has its own trade count, by which
/// the test finds the update a scrape shows and compares every other field (volumes, times) with it.
/// </summary>
public class ScrapeConsistencyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Symbols = [.. Enumerable.Range(0, 20).Select(i => $"T{i:D2}USDT")];

    /// <summary>Every per-stream series of the candle forming, with its value in a given update.</summary>
    private static readonly (string Metric, Func<KlineCandle, double> Value)[] Fields =
    [
        ("kline_open_price", c => Candles.AsDouble(c.Open)),
        ("kline_high_price", c => Candles.AsDouble(c.High)),
        ("kline_low_price", c => Candles.AsDouble(c.Low)),
        ("kline_close_price", c => Candles.AsDouble(c.Close)),
        ("kline_base_volume", c => Candles.AsDouble(c.BaseVolume)),
        ("kline_quote_volume", c => Candles.AsDouble(c.QuoteVolume)),
        ("kline_taker_buy_base_volume", c => Candles.AsDouble(c.TakerBuyBaseVolume)),
        ("kline_taker_buy_quote_volume", c => Candles.AsDouble(c.TakerBuyQuoteVolume)),
        ("kline_trades", c => c.Trades),
        ("kline_open_time_seconds", c => c.OpenTime / 1000.0),
        ("kline_last_update_timestamp_seconds", c => c.EventTime / 1000.0),
    ];

    [Fact]
    public async Task Back_to_back_scrapes_under_a_flood_never_show_a_torn_candle()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
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
                var reading = Fields.ToDictionary(f => f.Metric, f => metrics.Kline(f.Metric, symbol, "1h"));
                Assert.True(reading.Values.All(value => value is not null),
                    $"{symbol} lost a series in scrape {scrape}: {string.Join(", ", reading.Where(r => r.Value is null).Select(r => r.Key))}");
                candles++;
                closes.Add(reading["kline_close_price"]!.Value);
                if (flood.MismatchOf(reading.ToDictionary(r => r.Key, r => r.Value!.Value)) is { } mismatch)
                {
                    torn.Add($"{symbol}: {mismatch}");
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
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await StartFloodedAsync(simulator);
        await using var flood = Flood.Start(simulator);
        await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == Symbols.Length, "every stream has a candle");

        await using var prometheus = await PrometheusServer.StartAsync("ingestor", ingestor.BaseAddress, TimeSpan.FromMilliseconds(200));
        // Wait for enough scrapes stored, then read every raw sample of every field with its scrape timestamp.
        var samples = await Eventually.MatchAsync(
            () => PrometheusApi.QuerySamplesAsync(prometheus.Http, $"{{__name__=~\"{string.Join('|', Fields.Select(f => f.Metric))}\"}}[5m]"),
            result => result.Count == Fields.Length * Symbols.Length && result.All(series => series.Points.Count >= 30),
            Timeout, "Prometheus has stored 30 scrapes of every series of every stream");

        var byScrape = samples
            .SelectMany(series => series.Points.Select(point => (Stream: series.Labels["symbol"], Field: series.Labels["__name__"], point.Time, point.Value)))
            .GroupBy(sample => (sample.Stream, sample.Time))
            .ToList();
        var torn = byScrape
            .Where(group => group.Count() == Fields.Length)
            .Select(group => flood.MismatchOf(group.ToDictionary(sample => sample.Field, sample => sample.Value)) is { } mismatch
                ? $"{group.Key.Stream} at {group.Key.Time:O}: {mismatch}" : null)
            .OfType<string>()
            .ToList();
        Assert.True(byScrape.All(group => group.Count() == Fields.Length), "every scrape stored every series of every stream");
        Assert.True(byScrape.Count >= 30 * Symbols.Length);
        Assert.True(
            samples.Single(s => s.Labels["symbol"] == Symbols[0] && s.Labels["__name__"] == "kline_close_price")
                .Points.Select(p => p.Value).Distinct().Count() > 5,
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

    /// <summary>
    /// Publishes updates to every stream as fast as the simulator takes them, alternating two price levels, and keeps
    /// every update it sent by its trade count, which no two updates share.
    /// </summary>
    private sealed class Flood : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<long, KlineCandle> _sentByTrades = new();
        private readonly Task _running;
        private long _published;

        private Flood(BinanceSimulator simulator) => _running = Task.Run(() => RunAsync(simulator, _stop.Token));

        public long Published => Interlocked.Read(ref _published);

        public static Flood Start(BinanceSimulator simulator) => new(simulator);

        /// <summary>
        /// Why a candle read back (a value per field) is not exactly one update the flood sent, or null when it is. The
        /// candle a stream rolls over to at an hour boundary, before its first update, has no trades and is checked
        /// for that shape instead: every price at the close, no volume.
        /// </summary>
        public string? MismatchOf(IReadOnlyDictionary<string, double> candle)
        {
            if (candle["kline_trades"] == 0)
            {
                var (open, high, low, close) = (candle["kline_open_price"], candle["kline_high_price"], candle["kline_low_price"], candle["kline_close_price"]);
                return open == close && high == close && low == close && candle["kline_base_volume"] == 0 && candle["kline_quote_volume"] == 0
                    && candle["kline_taker_buy_base_volume"] == 0 && candle["kline_taker_buy_quote_volume"] == 0
                    ? null
                    : $"a candle without trades that is not an empty one: {Describe(candle)}";
            }

            if (!_sentByTrades.TryGetValue((long)candle["kline_trades"], out var update))
            {
                return $"no update had {candle["kline_trades"]} trades: {Describe(candle)}";
            }

            var wrong = Fields.Where(f => candle[f.Metric] != f.Value(update)).Select(f => $"{f.Metric}={candle[f.Metric]} (the update had {f.Value(update)})")
                .ToList();
            return wrong.Count == 0 ? null : string.Join(", ", wrong);
        }

        private static string Describe(IReadOnlyDictionary<string, double> candle) => string.Join(", ", candle.Select(field => $"{field.Key}={field.Value}"));

        private async Task RunAsync(BinanceSimulator simulator, CancellationToken stop)
        {
            var sequence = 0;
            while (!stop.IsCancellationRequested)
            {
                sequence++;
                // Every stream gets the same update n, recorded before any is sent.
                var update = Candle(sequence);
                _sentByTrades[update.Trades] = update;
                foreach (var symbol in Symbols)
                {
                    await simulator.PublishAsync(update with { Symbol = symbol });
                    Interlocked.Increment(ref _published);
                }
            }
        }

        /// <summary>Update n: around 100 when n is even, around 200 when odd, always a valid candle.</summary>
        private static KlineCandle Candle(int sequence)
        {
            var level = sequence % 2 == 0 ? 100m : 200m;
            var wiggle = sequence % 1000 * 0.0001m;
            return Candles.Make(Symbols[0], "1h", sequence) with
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
