using System.Globalization;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// A half-dead connection is known dead only when its LIST_SUBSCRIPTIONS probe goes unanswered, seconds after its last
/// message, and its feed is then dated lost from that message. A candle whose interval ended in between is shown closed
/// until the probe fails, then withdrawn and counted missed once. The ingestor and the simulator share a fake clock,
/// so a minute boundary can be put exactly between the last message and the failed probe, and every value is exact.
/// </summary>
public class ProbeFailureGapTests
{
    private const string Symbol = "BTCUSDT";
    private const string Interval = "1m";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    // Longer than the final-update grace, so the probe cannot fail before the candle is published closed.
    private static readonly TimeSpan NoDataTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Minute0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture);

    // The clock moves in small steps, each followed by a pause in real time for the ingestor to act on it (its watch
    // loop, the probe deadline, the backoff are timers on this clock), so nothing fires long after it is due. It stands
    // still whenever the test waits for a real exchange of messages (a subscription, a delivered update): on a busy
    // machine that can take longer than a deadline would last on a clock that keeps moving.
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan FeedEvery = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_candle_that_ended_between_the_last_message_and_the_failed_probe_is_shown_closed_until_the_probe_fails_then_counted_missed()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(Minute0 + TimeSpan.FromSeconds(58));
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, time, cancellation);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, [Symbol], [Interval],
            new Dictionary<string, string>
            {
                ["Binance:NoDataTimeout"] = NoDataTimeout.ToString(),
                ["Binance:SubscribeTimeout"] = SubscribeTimeout.ToString(),
                // The first backoff is 1-2 s, several steps: the replacement cannot connect, and find the server still
                // silent, before the test has seen the probe fail and lifted the fault.
                ["Binance:ReconnectBaseDelay"] = "00:00:02",
                ["Binance:ReconnectMaxDelay"] = "00:00:04",
            },
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                // Every scrape must be a collection at the clock's current instant, not the exporter's cached response.
                builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
            });
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);

        // 10:00:58: the connection's last message, an update of the 10:00 candle. Then the server goes half-dead:
        // the socket stays open, nothing more arrives, not even the answer to a probe.
        var lastSeen = SharedClockSteps.Stamped(Candles.Make(Symbol, Interval, 1, openTime: Minute0.ToUnixTimeMilliseconds()), time);
        await simulator.PublishAsync(lastSeen);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, lastSeen), "the last update arrives");
        simulator.Faults.StopSending = true;

        // 10:01:05.5: the candle's minute is over, and so is the grace for its final update; the connection, silent
        // for 7.5 s, is not even probed yet. Nothing says the feed is dead, so the candle is closed.
        await AdvanceToAsync(time, Minute0 + TimeSpan.FromMinutes(1) + ClosedCandleTracker.FinalUpdateGrace + TimeSpan.FromSeconds(0.5), cancellation);
        var before = await ingestor.ScrapeAsync();
        MetricsAssert.ShowsClosedCandle(before, lastSeen);
        Assert.Equal(0, before.Value("kline_ingestor_missed_candles_total"));
        Assert.Equal(0, before.Sum("kline_ingestor_reconnects_total"));

        // The probe, sent after NoDataTimeout of silence, goes unanswered for SubscribeTimeout (10:01:11 at the
        // earliest); the connection is replaced and its feed dated lost from 10:00:58, before the candle ended.
        var scrapes = await AdvanceUntilAsync(time, ingestor, m => m.Kline("kline_closed_close_price", Symbol, Interval) is null,
            Minute0 + TimeSpan.FromSeconds(100), "the failed probe withdraws the closed candle", cancellation);
        Assert.All(scrapes.Where(m => m.Sum("kline_ingestor_probes_total", ("result", "failed")) == 0), m => MetricsAssert.ShowsClosedCandle(m, lastSeen));
        Assert.True(time.GetUtcNow() >= Minute0 + TimeSpan.FromSeconds(58) + NoDataTimeout + SubscribeTimeout,
            $"withdrawn at {time.GetUtcNow():HH:mm:ss.fff}, before the probe could have failed");
        var after = scrapes[^1];
        MetricsAssert.HasNoClosedCandle(after, Symbol, Interval);
        Assert.Equal(1, after.Value("kline_ingestor_missed_candles_total"));
        Assert.Equal(1, after.Value("kline_ingestor_reconnects_total", ("reason", "probe_failed")));
        Assert.Equal(1, after.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(1, after.Kline("kline_candles_closed_total", Symbol, Interval));
        // Withdrawn because the candle was missed, not because the stream went stale: StaleAfter (2 min) has not
        // passed since the loss, and the forming candle is still served.
        Assert.Equal(1, after.Kline("kline_feed_up", Symbol, Interval));
        Assert.Equal(Candles.AsDouble(lastSeen.Close), after.Kline("kline_close_price", Symbol, Interval));

        // The server answers again: the replacement subscribes and delivers the 10:01 candle. The closed series stay
        // absent while it forms (its predecessor was missed) and the miss is not counted again. The clock runs out the
        // backoff until the replacement reaches the server, then stands still while it subscribes.
        simulator.Faults.Clear();
        var attempts = simulator.ConnectionAttempts;
        var reachedBy = Minute0 + TimeSpan.FromSeconds(115);
        while (simulator.ConnectionAttempts == attempts)
        {
            Assert.True(time.GetUtcNow() < reachedBy, "the replacement connection reaches the server after its backoff");
            await StepTowardAsync(time, reachedBy, cancellation);
        }

        await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_connection_attempts_total", ("result", "success")) == 2,
            "the replacement connection subscribes");
        var next = SharedClockSteps.Stamped(Candles.Make(Symbol, Interval, 2, openTime: (Minute0 + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds()), time);
        await simulator.PublishAsync(next);
        var resumed = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, next), "the replacement delivers the next candle");
        MetricsAssert.HasNoClosedCandle(resumed, Symbol, Interval);
        Assert.Equal(1, resumed.Value("kline_ingestor_missed_candles_total"));

        // 10:02:05.5: the 10:01 candle closed on a covered feed and its grace passed, so it is published; the miss stays
        // counted once. The candle is sent again every few seconds on the way, so the connection is never silent long
        // enough to be probed.
        await AdvanceFeedingAsync(time, simulator, ingestor, next,
            Minute0 + TimeSpan.FromMinutes(2) + ClosedCandleTracker.FinalUpdateGrace + TimeSpan.FromSeconds(0.5), cancellation);
        var closed = await ingestor.ScrapeAsync();
        MetricsAssert.ShowsClosedCandle(closed, next);
        Assert.Equal(1, closed.Value("kline_ingestor_missed_candles_total"));
        Assert.Equal(2, closed.Kline("kline_candles_closed_total", Symbol, Interval));
        Assert.Equal(1, closed.Sum("kline_ingestor_reconnects_total"));
    }


    private static Task AdvanceToAsync(FakeTimeProvider time, DateTimeOffset target, CancellationToken cancellation) =>
        SharedClockSteps.AdvanceToAsync(time, target, Step, Settle, cancellation);

    private static Task StepTowardAsync(FakeTimeProvider time, DateTimeOffset target, CancellationToken cancellation) =>
        SharedClockSteps.StepTowardAsync(time, target, Step, Settle, cancellation);

    /// <summary>
    /// Moves the clock to <paramref name="target"/>, sending the forming candle again (stamped now) whenever the
    /// connection has been silent for <see cref="FeedEvery"/>, and standing still until the ingestor has it. The last
    /// one goes out before the candle's close, so the connection stays well inside <see cref="NoDataTimeout"/>.
    /// </summary>
    private static async Task AdvanceFeedingAsync(FakeTimeProvider time, BinanceSimulator simulator, RunningIngestor ingestor, KlineCandle candle,
        DateTimeOffset target, CancellationToken cancellation)
    {
        var lastSent = time.GetUtcNow();
        var lastUpdateBefore = DateTimeOffset.FromUnixTimeMilliseconds(candle.CloseTime) - Step;
        while (time.GetUtcNow() < target)
        {
            if (time.GetUtcNow() - lastSent >= FeedEvery && time.GetUtcNow() <= lastUpdateBefore)
            {
                var update = SharedClockSteps.Stamped(candle, time);
                await simulator.PublishAsync(update);
                await ingestor.WaitForMetricsAsync(m => m.Kline("kline_last_update_timestamp_seconds", Symbol, Interval) == update.EventTime / 1000.0,
                    "the repeated update arrives");
                lastSent = time.GetUtcNow();
            }

            await StepTowardAsync(time, target, cancellation);
        }
    }

    /// <summary>
    /// Scrapes, then moves the clock a step, until a scrape meets the condition; returns every scrape taken, the
    /// matching one last. Fails once the clock has passed <paramref name="deadline"/>.
    /// </summary>
    private static async Task<IReadOnlyList<MetricsText>> AdvanceUntilAsync(FakeTimeProvider time, RunningIngestor ingestor, Func<MetricsText, bool> condition,
        DateTimeOffset deadline, string because, CancellationToken cancellation)
    {
        var scrapes = new List<MetricsText>();
        while (true)
        {
            var metrics = await ingestor.ScrapeAsync();
            scrapes.Add(metrics);
            if (condition(metrics))
            {
                return scrapes;
            }

            Assert.True(time.GetUtcNow() < deadline,
                $"by {deadline:HH:mm:ss} on the shared clock, {because}. Last scrape:{Environment.NewLine}{KlineLines(metrics)}");
            await StepTowardAsync(time, deadline, cancellation);
        }
    }

    private static string KlineLines(MetricsText metrics) =>
        string.Join(Environment.NewLine, metrics.Raw.Split('\n').Where(line => line.StartsWith("kline", StringComparison.Ordinal)));
}
