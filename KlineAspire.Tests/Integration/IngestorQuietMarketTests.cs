using System.Net;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Binance pushes a kline only when something changed, so silence is normal: a quiet stream on a healthy connection
/// keeps its price, a silent connection is proven alive rather than replaced, and only a lost feed goes stale.
/// </summary>
public class IngestorQuietMarketTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_quiet_stream_keeps_its_price_and_its_silent_connection_is_probed_not_replaced()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1h"],
            new Dictionary<string, string> { ["Binance:StaleAfter"] = "00:00:02", ["Binance:NoDataTimeout"] = "00:00:01" });
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

        // The server counts a subscription when it reads the SUBSCRIBE; the ingestor once the acknowledgement is back.
        var (status, body) = await Eventually.MatchAsync(() => ingestor.HealthAsync(),
            health => health.Body.Contains("waiting for the first kline", StringComparison.Ordinal),
            Timeout, "readiness says the subscribed feed waits for its first kline");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Degraded", body);

        var btc = Candles.Make("BTCUSDT", "1h", 1);
        var eth = Candles.Make("ETHUSDT", "1h", 1);
        await simulator.PublishAsync(btc);
        await simulator.PublishAsync(eth);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, btc) && MetricsAssert.HasClose(m, eth), "both streams show prices");

        // Then nothing at all for three times StaleAfter and six times NoDataTimeout: the market is just quiet.
        var attempts = simulator.ConnectionAttempts;
        await Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);
        var metrics = await ingestor.ScrapeAsync();
        MetricsAssert.ShowsCandle(metrics, btc);
        MetricsAssert.ShowsCandle(metrics, eth);
        Assert.Equal(0, metrics.Value("kline_ingestor_stale_streams"));
        Assert.Equal(attempts, simulator.ConnectionAttempts);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.True(metrics.Sum("kline_ingestor_probes_total", ("result", "alive")) >= 2, "the silent connection was probed");
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.InRange(simulator.MaxObservedIncomingMessagesPerSecond, 1, 5);
        (status, body) = await ingestor.HealthAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Healthy", body);
    }

    [Fact]
    public async Task A_lost_feed_makes_its_streams_stale_after_StaleAfter_and_readiness_fails()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1h"],
            new Dictionary<string, string> { ["Binance:StaleAfter"] = "00:00:02", ["Binance:StartupGrace"] = "00:00:01" });
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        var btc = Candles.Make("BTCUSDT", "1h", 1);
        var eth = Candles.Make("ETHUSDT", "1h", 1);
        await simulator.PublishAsync(btc);
        await simulator.PublishAsync(eth);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, btc) && MetricsAssert.HasClose(m, eth), "both streams show prices");

        // The server goes away and refuses to come back.
        simulator.Faults.RefuseHandshakesWith = 503;
        var lostAt = DateTimeOffset.UtcNow;
        simulator.AbortAllConnections();

        var metrics = await ingestor.WaitForMetricsAsync(m => m.Kline("kline_close_price", "BTCUSDT", "1h") is null, "the lost feed's prices leave /metrics");
        Assert.True(DateTimeOffset.UtcNow - lostAt >= TimeSpan.FromSeconds(2), "prices stay for StaleAfter after the loss");
        foreach (var metric in new[] { "kline_open_price", "kline_close_price", "kline_base_volume", "kline_trades", "kline_open_time_seconds" })
        {
            Assert.Null(metrics.Kline(metric, "ETHUSDT", "1h"));
        }

        Assert.Equal(0, metrics.Kline("kline_feed_up", "BTCUSDT", "1h"));
        Assert.Equal(0, metrics.Kline("kline_feed_up", "ETHUSDT", "1h"));
        Assert.Equal(eth.EventTime / 1000.0, metrics.Kline("kline_last_update_timestamp_seconds", "ETHUSDT", "1h"));
        Assert.Equal(2, metrics.Value("kline_ingestor_stale_streams"));
        var (status, body) = await ingestor.HealthAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("No stream is being delivered", body);

        // Back again: the feed is up, the prices return with the next update.
        simulator.Faults.Clear();
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        var again = Candles.Make("BTCUSDT", "1h", 2);
        await simulator.PublishAsync(again);
        metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, again), "prices return with the feed");
        Assert.Equal(1, metrics.Kline("kline_feed_up", "ETHUSDT", "1h"));
        MetricsAssert.ShowsCandle(metrics, eth);
    }

    [Fact]
    public async Task A_stream_the_server_forgot_is_found_by_the_probe_and_subscribed_again_on_the_same_connection()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1h"],
            new Dictionary<string, string> { ["Binance:NoDataTimeout"] = "00:00:01" });
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        var attempts = simulator.ConnectionAttempts;

        simulator.ForgetSubscription("ethusdt@kline_1h");
        Assert.Single(simulator.SubscribedStreams);

        var metrics = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_probes_total", ("result", "resubscribed")) >= 1,
            "the probe notices and resubscribes");
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        var eth = Candles.Make("ETHUSDT", "1h", 1);
        await simulator.PublishAsync(eth);
        metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, eth), "the forgotten stream delivers again");
        Assert.Equal(attempts, simulator.ConnectionAttempts);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Contains(ingestor.Logs.GetSnapshot(), r => r.Message.Contains("no longer lists 1 of 2 streams", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quiet_1m_candle_rolls_over_in_real_time_to_the_empty_candle_at_its_close()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(candle);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, candle), "the candle arrives");

        // No further update: once its minute is over, the forming candle is the empty one that follows.
        var nextOpen = candle.CloseTime + 1;
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Kline("kline_open_time_seconds", "BTCUSDT", "1m") >= nextOpen / 1000.0,
            "the minute ends and the candle rolls over", TimeSpan.FromSeconds(90));
        var close = Candles.AsDouble(candle.Close);
        Assert.Equal(nextOpen / 1000.0, metrics.Kline("kline_open_time_seconds", "BTCUSDT", "1m"));
        foreach (var price in new[] { "kline_open_price", "kline_high_price", "kline_low_price", "kline_close_price" })
        {
            Assert.Equal(close, metrics.Kline(price, "BTCUSDT", "1m"));
        }

        foreach (var quantity in new[] { "kline_base_volume", "kline_quote_volume", "kline_taker_buy_base_volume", "kline_taker_buy_quote_volume",
            "kline_trades" })
        {
            Assert.Equal(0, metrics.Kline(quantity, "BTCUSDT", "1m"));
        }

        Assert.Equal(1, metrics.Kline("kline_candles_closed_total", "BTCUSDT", "1m"));
        Assert.Equal(candle.EventTime / 1000.0, metrics.Kline("kline_last_update_timestamp_seconds", "BTCUSDT", "1m"));
        Assert.Equal(1, metrics.Kline("kline_feed_up", "BTCUSDT", "1m"));
        // Not early either: the scrape that first showed the next candle was read after the minute had ended.
        MetricsAssert.ShowsCandle(metrics, candle);
    }

    [Fact]
    public async Task Quiet_pairs_beside_liquid_ones_keep_their_prices_and_their_all_quiet_connection_is_kept()
    {
        // The random walk feeds two liquid pairs every 200 ms; the two quiet pairs get one update each, then nothing.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions
        {
            UpdatePeriod = TimeSpan.FromMilliseconds(200),
            QuietSymbols = ["QAAUSDT", "QBBUSDT"],
        }, TestContext.Current.CancellationToken);
        // Two streams per connection: the liquid pair shares one, the quiet pair has the other to itself.
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["LAAUSDT", "LBBUSDT", "QAAUSDT", "QBBUSDT"], ["1h"],
            new Dictionary<string, string>
            {
                ["Binance:MaxStreamsPerConnection"] = "2",
                ["Binance:StaleAfter"] = "00:00:02",
                ["Binance:NoDataTimeout"] = "00:00:01",
            });
        await simulator.WaitForSubscribedStreamsAsync(4, Timeout);
        await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == 4, "every pair has a price");
        var attempts = simulator.ConnectionAttempts;
        var liquidBefore = (await ingestor.ScrapeAsync()).Kline("kline_close_price", "LAAUSDT", "1h");

        // Three times StaleAfter, five times NoDataTimeout.
        await Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);

        var metrics = await ingestor.ScrapeAsync();
        foreach (var quiet in new[] { "qaausdt@kline_1h", "qbbusdt@kline_1h" })
        {
            var sent = simulator.LastSent[quiet];
            MetricsAssert.ShowsCandle(metrics, sent);
            Assert.Equal(1, simulator.SentUpdates[quiet]);
        }

        Assert.NotEqual(liquidBefore, metrics.Kline("kline_close_price", "LAAUSDT", "1h"));
        Assert.Equal(0, metrics.Value("kline_ingestor_stale_streams"));
        Assert.Equal(attempts, simulator.ConnectionAttempts);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.True(metrics.Sum("kline_ingestor_probes_total", ("result", "alive")) >= 2, "the all-quiet connection was probed");
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.InRange(simulator.MaxObservedIncomingMessagesPerSecond, 1, 5);
    }
}
