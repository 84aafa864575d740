using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// The OTLP meter provider and the one that serves <c>/metrics</c> each read their own readings: OTLP exports made
/// while a scrape is under way, or between two scrapes, neither take nor consume a reading of Prometheus', so every
/// scrape shows the store as it was when that scrape read it, from one reading.
/// </summary>
public class OtlpBesidePrometheusTests
{
    private const int ExportsPerScrape = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Symbols = ["AAAUSDT", "BBBUSDT"];

    [Fact]
    public async Task Many_otlp_exports_during_a_scrape_leave_it_one_reading_taken_at_the_scrape()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        // Market data goes over OTLP too (2 streams are below the cut), every 20 ms.
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, Symbols, ["1m"],
            receiver.IngestorSettings(TimeSpan.FromMilliseconds(20)),
            builder => builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        await simulator.WaitForSubscribedStreamsAsync(Symbols.Length, Timeout);
        var store = ingestor.App.Services.GetRequiredService<KlineStore>();
        var prometheusReadings = ingestor.App.Services.GetRequiredService<MarketReadings>();
        var hold = new ScrapeHold(ingestor.App.Services.GetRequiredService<IMeterFactory>(), receiver);

        await PublishAsync(simulator, store, sequence: 1);
        await ingestor.WaitForMetricsAsync(m => Symbols.All(symbol => m.Kline("kline_last_update_timestamp_seconds", symbol, "1m") is not null),
            "both streams have data");
        // An export taken before the streams had data has no price series yet: wait for one taken after.
        await Eventually.MatchAsync(() => Task.FromResult(receiver.MetricsExports.Any(export => export.Mentions("kline.close.price"))), any => any, Timeout,
            "an OTLP export carries the market data");

        var second = await PublishAsync(simulator, store, sequence: 2);
        var collections = prometheusReadings.Collections;
        hold.Arm();
        var during = await ingestor.ScrapeAsync();
        Assert.True(hold.ExportsWhileHeld >= ExportsPerScrape, $"{hold.ExportsWhileHeld} OTLP exports while the scrape was held");
        Assert.All(second, candle => MetricsAssert.ShowsCandle(during, candle));
        Assert.Equal(collections + 1, prometheusReadings.Collections);

        // OTLP goes on exporting between the update and the next scrape; that scrape still reads the store itself.
        var third = await PublishAsync(simulator, store, sequence: 3);
        var exports = receiver.MetricsExports.Count;
        await Eventually.MatchAsync(() => Task.FromResult(receiver.MetricsExports.Count), count => count >= exports + ExportsPerScrape, Timeout,
            "OTLP exports between the scrapes");
        var after = await ingestor.ScrapeAsync();
        Assert.All(third, candle => MetricsAssert.ShowsCandle(after, candle));
        Assert.Equal(collections + 2, prometheusReadings.Collections);
    }

    /// <summary>Publishes an update to every stream and waits until the store has applied it (without reading the store for metrics).</summary>
    private static async Task<KlineCandle[]> PublishAsync(BinanceSimulator simulator, KlineStore store, int sequence)
    {
        var candles = Symbols.Select(symbol => Candles.Make(symbol, "1m", sequence)).ToArray();
        foreach (var candle in candles)
        {
            await simulator.PublishAsync(candle);
        }

        // Read from the slots directly: a scrape would take a reading of its own.
        await Eventually.MatchAsync(
            () => Task.FromResult(store.Slots.All(slot => Stored(slot, candles.Single(candle => candle.Symbol == slot.Id.Symbol)))),
            stored => stored, Timeout, $"update {sequence} applied to every stream");
        return candles;
    }

    private static bool Stored(StreamSlot slot, KlineCandle candle)
    {
        slot.Read(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), long.MaxValue, out var reading);
        return reading.HasData && reading.EventTime == candle.EventTime;
    }

    /// <summary>
    /// An instrument on the Prometheus provider's market meter, so only scrapes call it: once armed, it holds the next
    /// scrape's collection until the OTLP receiver has taken <see cref="ExportsPerScrape"/> more exports.
    /// </summary>
    private sealed class ScrapeHold
    {
        private readonly OtlpReceiver _receiver;
        private int _armed;

        public ScrapeHold(IMeterFactory meters, OtlpReceiver receiver)
        {
            _receiver = receiver;
            // The host's meter factory owns the meter (the same one KlineMetrics uses) and disposes it with the host.
            meters.Create(IngestorTelemetry.PrometheusMarketMeterName).CreateObservableGauge("test.scrape_hold", Hold);
        }

        public int ExportsWhileHeld { get; private set; }

        public void Arm() => Volatile.Write(ref _armed, 1);

        private int Hold()
        {
            if (Interlocked.Exchange(ref _armed, 0) == 0)
            {
                return 0;
            }

            var before = _receiver.MetricsExports.Count;
            var deadline = DateTime.UtcNow + Timeout;
            while (_receiver.MetricsExports.Count < before + ExportsPerScrape && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            ExportsWhileHeld = _receiver.MetricsExports.Count - before;
            return 0;
        }
    }
}
