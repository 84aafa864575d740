using System.Globalization;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration.Faults;

/// <summary>
/// A control request whose socket is aborted after the sender saw it open and before the write (a reset landing between
/// the check and the send) is a lost connection like any other: dated when the write failed, counted
/// <c>reason="lost"</c>, replaced after the back-off, never a supervisor restart. Its feed shows lost once
/// <c>StaleAfter</c> has passed, and the candle that ends during the back-off is counted missed and not published.
/// The ingestor and the simulator share a fake clock, so the loss is put a couple of seconds before a minute boundary
/// and the back-off (4-8 s) is sure to span it.
/// </summary>
public class FailedSendTests
{
    private const string Interval = "1m";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Minute0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(1);

    // The clock moves in small steps, each followed by a pause in real time for the ingestor to act on it, and stands
    // still whenever the test waits for a real exchange of messages.
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(20);

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Binance:ReconnectBaseDelay"] = "00:00:08",
            ["Binance:ReconnectMaxDelay"] = "00:00:08",
            ["Binance:StaleAfter"] = StaleAfter.ToString(),
            // Long on this clock: a reply that takes a while in real time must not time out while the clock steps.
            ["Binance:SubscribeTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task A_socket_aborted_as_the_probe_is_written_is_a_lost_connection_on_the_reconnect_path()
    {
        const string Symbol = "BTCUSDT";
        var cancellation = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(Minute0 + TimeSpan.FromSeconds(53));
        var connector = new SendAbortingConnector();
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, time, cancellation);
        await using var ingestor = await StartIngestorAsync(simulator, [Symbol], Settings(("Binance:NoDataTimeout", "00:00:05")), time, connector);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);

        // 10:00:53: the last update of the 10:00 candle; then the market is quiet, and after NoDataTimeout (10:00:58)
        // the connection is probed. The probe's socket is aborted as it is written.
        var lastSeen = await PublishAsync(simulator, ingestor, Symbol, time);
        connector.Arm("LIST_SUBSCRIPTIONS");
        var failedAt = await AdvanceUntilFiredAsync(time, connector, Minute0 + TimeSpan.FromSeconds(58), Minute0 + TimeSpan.FromSeconds(59.5), cancellation);

        var lost = await AssertLostOnceAsync(ingestor, Symbol);
        Assert.Equal(1, lost.Sum("kline_ingestor_probes_total", ("result", "failed")));
        Assert.Contains(ingestor.Logs.GetSnapshot(),
            r => r.Level == LogLevel.Warning && r.Message.Contains("failed while sending LIST_SUBSCRIPTIONS", StringComparison.Ordinal));

        await AssertLossThroughTheBoundaryAsync(simulator, ingestor, time, lastSeen, failedAt, cancellation);
    }

    [Fact]
    public async Task A_socket_aborted_as_an_unsubscribe_is_written_is_a_lost_connection_on_the_reconnect_path()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(Minute0 + TimeSpan.FromSeconds(52));
        var connector = new SendAbortingConnector();
        await using var simulator = await BinanceSimulator.StartAsync(
            new SimulatorOptions { UpdatePeriod = TimeSpan.Zero, Symbols = ["AAAUSDT", "BBBUSDT"] }, time, cancellation);
        await using var ingestor = await StartIngestorAsync(simulator, ["*USDT"],
            RestSettings.Of(simulator, [.. Settings(("Binance:SymbolRefreshInterval", "00:00:05")).Select(s => (s.Key, s.Value))]), time, connector);
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

        // 10:00:52: the last update of AAAUSDT's 10:00 candle. BBBUSDT is delisted; the next refresh of exchangeInfo
        // (10:00:57) unsubscribes it on the live connection, whose socket is aborted as the UNSUBSCRIBE is written.
        var lastSeen = await PublishAsync(simulator, ingestor, "AAAUSDT", time);
        connector.Arm("UNSUBSCRIBE");
        simulator.Symbols.Delist("BBBUSDT");
        var failedAt = await AdvanceUntilFiredAsync(time, connector, Minute0 + TimeSpan.FromSeconds(57), Minute0 + TimeSpan.FromSeconds(58.5), cancellation);

        await AssertLostOnceAsync(ingestor, "AAAUSDT");
        Assert.Contains(ingestor.Logs.GetSnapshot(),
            r => r.Level == LogLevel.Warning && r.Message.Contains("failed while sending UNSUBSCRIBE", StringComparison.Ordinal));

        await AssertLossThroughTheBoundaryAsync(simulator, ingestor, time, lastSeen, failedAt, cancellation);
        // The replacement subscribed the current set: the delisted stream is gone from the server too.
        Assert.Equal(new[] { "aaausdt@kline_1m" }, simulator.SubscribedStreams.Order(StringComparer.Ordinal));
    }

    private static Task<RunningIngestor> StartIngestorAsync(BinanceSimulator simulator, string[] symbols, Dictionary<string, string> settings,
        FakeTimeProvider time, SendAbortingConnector connector) =>
        RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, [Interval], settings, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddSingleton<WebSocketConnector>(connector);
            // Every scrape must be a collection at the clock's current instant, not the exporter's cached response.
            builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
        });

    /// <summary>An update of the symbol's 10:00 candle, stamped with the shared clock's now, delivered.</summary>
    private static async Task<KlineCandle> PublishAsync(BinanceSimulator simulator, RunningIngestor ingestor, string symbol, FakeTimeProvider time)
    {
        var candle = Candles.Make(symbol, Interval, 1, openTime: Minute0.ToUnixTimeMilliseconds()) with
        {
            EventTime = time.GetUtcNow().ToUnixTimeMilliseconds()
        };
        await simulator.PublishAsync(candle);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, candle), "the update arrives");
        return candle;
    }

    /// <summary>
    /// With the clock standing still at the instant the write failed: the connection was counted lost, once, and the
    /// supervisor carried on (no restart, no Error in the log).
    /// </summary>
    private static async Task<MetricsText> AssertLostOnceAsync(RunningIngestor ingestor, string symbol)
    {
        var ended = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_reconnects_total") + m.Sum("kline_ingestor_supervisor_restarts_total") >= 1,
            "the failed write ends the connection", Timeout);
        Assert.Equal(0, ended.Value("kline_ingestor_supervisor_restarts_total") ?? 0);
        var lost = await ingestor.WaitForMetricsAsync(m => m.Value("kline_ingestor_connections") == 0, "the lost connection is closed", Timeout);
        Assert.Equal(1, lost.Value("kline_ingestor_reconnects_total", ("reason", DisconnectReason.Lost.ToLabel())));
        Assert.Equal(1, lost.Sum("kline_ingestor_reconnects_total"));
        // Within StaleAfter of the loss, the last price is still served.
        Assert.Equal(1, lost.Kline("kline_feed_up", symbol, Interval));
        Assert.DoesNotContain(ingestor.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
        return lost;
    }

    /// <summary>
    /// Past StaleAfter the feed shows lost; the minute ends during the back-off; the replacement connects after it,
    /// and the candle that ended meanwhile is counted missed and never published, whatever it last showed.
    /// </summary>
    private static async Task AssertLossThroughTheBoundaryAsync(BinanceSimulator simulator, RunningIngestor ingestor, FakeTimeProvider time,
        KlineCandle lastSeen, DateTimeOffset failedAt, CancellationToken cancellation)
    {
        var (symbol, attempts) = (lastSeen.Symbol, simulator.ConnectionAttempts);
        await AdvanceToAsync(time, failedAt + StaleAfter + TimeSpan.FromSeconds(0.5), cancellation);
        var stale = await ingestor.ScrapeAsync();
        Assert.Equal(0, stale.Kline("kline_feed_up", symbol, Interval));
        Assert.Null(stale.Kline("kline_close_price", symbol, Interval));

        await AdvanceToAsync(time, Minute0 + TimeSpan.FromSeconds(60.25), cancellation);
        var ended = await ingestor.ScrapeAsync();
        Assert.Equal(attempts, simulator.ConnectionAttempts);
        Assert.Equal(0, ended.Kline("kline_feed_up", symbol, Interval));
        MetricsAssert.HasNoClosedCandle(ended, symbol, Interval);

        // The back-off runs out (4-8 s after the loss); the clock then stands still while the replacement subscribes.
        var reachedBy = failedAt + TimeSpan.FromSeconds(8.5);
        while (simulator.ConnectionAttempts == attempts)
        {
            Assert.True(time.GetUtcNow() < reachedBy, "the replacement connection reaches the server after its back-off");
            await StepTowardAsync(time, reachedBy, cancellation);
        }

        Assert.True(time.GetUtcNow() >= failedAt + TimeSpan.FromSeconds(4), $"reconnected at {time.GetUtcNow():HH:mm:ss.fff}, inside the back-off");
        await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_connection_attempts_total", ("result", "success")) == 2,
            "the replacement connection subscribes", Timeout);
        await AdvanceToAsync(time, time.GetUtcNow() + TimeSpan.FromSeconds(3), cancellation);
        var back = await ingestor.WaitForMetricsAsync(
            m => m.Kline("kline_feed_up", symbol, Interval) == 1 && m.Value("kline_ingestor_missed_candles_total") == 1,
            "the feed is covered again and the candle that ended during the loss is counted missed", Timeout);
        MetricsAssert.HasNoClosedCandle(back, symbol, Interval);
        Assert.Equal(1, back.Kline("kline_candles_closed_total", symbol, Interval));
        Assert.Equal(1, back.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(0, back.Value("kline_ingestor_supervisor_restarts_total") ?? 0);
        Assert.DoesNotContain(ingestor.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    /// <summary>
    /// Moves the clock to <paramref name="from"/>, where the armed request is due, then stands still until its write
    /// is aborted (stepping on towards <paramref name="latest"/> only if it is not); returns the instant it was.
    /// </summary>
    private static async Task<DateTimeOffset> AdvanceUntilFiredAsync(FakeTimeProvider time, SendAbortingConnector connector, DateTimeOffset from,
        DateTimeOffset latest, CancellationToken cancellation)
    {
        await AdvanceToAsync(time, from, cancellation);
        while (true)
        {
            var waited = DateTime.UtcNow;
            while (connector.Fired == 0 && DateTime.UtcNow - waited < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(Settle, cancellation);
            }

            if (connector.Fired > 0)
            {
                return time.GetUtcNow();
            }

            Assert.True(time.GetUtcNow() < latest, $"by {latest:HH:mm:ss.fff} on the shared clock, the armed request is written");
            await StepTowardAsync(time, latest, cancellation);
        }
    }

    private static Task AdvanceToAsync(FakeTimeProvider time, DateTimeOffset target, CancellationToken cancellation) =>
        SharedClockSteps.AdvanceToAsync(time, target, Step, Settle, cancellation);

    private static Task StepTowardAsync(FakeTimeProvider time, DateTimeOffset target, CancellationToken cancellation) =>
        SharedClockSteps.StepTowardAsync(time, target, Step, Settle, cancellation);
}
