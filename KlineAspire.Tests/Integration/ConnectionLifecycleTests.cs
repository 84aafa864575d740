using System.Net.WebSockets;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Rotation, scale, refused subscriptions, drops mid-subscribe, server error replies and shutdown: the ingestor keeps data
/// correct and stays inside Binance's limits. Drops and <c>serverShutdown</c> themselves are in <see cref="Faults.IngestorFaultTests"/>.
/// </summary>
public class ConnectionLifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Rotation_opens_the_new_connection_before_closing_the_old_so_coverage_never_lapses()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m"],
            new Dictionary<string, string> { ["Binance:ConnectionLifetime"] = "00:00:03" });
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

        // Watch the server side through two rotations: both streams must be subscribed on some open connection at every instant.
        var attemptsAtStart = simulator.ConnectionAttempts;
        var sequence = 0;
        var last = Candles.Make("BTCUSDT", "1m", 0);
        var until = DateTime.UtcNow.AddSeconds(8);
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(2, simulator.SubscribedStreams.Count);
            last = Candles.Make("BTCUSDT", "1m", ++sequence);
            await simulator.PublishAsync(last);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, last), "the last update before the end arrives");
        Assert.True(simulator.ConnectionAttempts - attemptsAtStart >= 2, "two rotations in eight seconds");
        Assert.Equal(2, simulator.PeakOpenConnections);
        Assert.True(metrics.Sum("kline_ingestor_reconnects_total", ("reason", "rotation")) >= 2);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total", ("reason", "lost")));
    }

    [Fact]
    public async Task Three_thousand_streams_use_three_connections_without_breaking_a_limit()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        var symbols = Enumerable.Range(0, 3000).Select(i => $"S{i:D4}USDT").ToArray();
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(3000, TimeSpan.FromSeconds(60));

        Assert.Equal(3, simulator.OpenConnections);
        Assert.All(simulator.Connections, c => Assert.InRange(c.Streams.Count, 1, 1024));
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Equal(0, simulator.StreamLimitViolations);
        Assert.InRange(simulator.MaxObservedIncomingMessagesPerSecond, 1, 5);

        var candles = symbols.Select(s => Candles.Make(s, "1m", 1)).ToList();
        foreach (var candle in candles)
        {
            await simulator.PublishAsync(candle);
        }

        var metrics = await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == 3000, "all 3000 streams are exported",
            TimeSpan.FromSeconds(60));
        Assert.All(candles, c => Assert.True(MetricsAssert.HasClose(metrics, c), $"{c.StreamName} has its close price"));
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.ContainsKey("otel_metric_overflow"));
        Assert.Equal(3, metrics.Value("kline_ingestor_connections"));
        Assert.Equal(3000, metrics.Value("kline_ingestor_subscribed_streams"));
    }

    [Fact]
    public async Task A_subscription_refused_by_the_server_is_retried_with_backoff_and_logged()
    {
        // A server that allows fewer streams per connection than the ingestor was told: Binance answers error 4.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero, MaxStreamsPerConnection = 2 },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT", "BNBUSDT"], ["1m"]);

        var metrics = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_reconnects_total", ("reason", "subscribe_failed")) >= 2,
            "the refusal is retried");
        Assert.True(metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "error_response")) >= 2);
        Assert.True(simulator.StreamLimitViolations >= 2);
        Assert.Contains(ingestor.Logs.GetSnapshot(), r => r.Message.Contains("error 4", StringComparison.Ordinal));
        Assert.Equal(0, metrics.Value("kline_ingestor_subscribed_streams"));

        // Each refusal is followed by a growing delay (RunningIngestor's 100 ms base, 1 s maximum), waited out before
        // the next connection.
        var backoffs = ReconnectBackoffLog.Read(ingestor.Logs);
        Assert.True(backoffs.Count >= 2, $"a back-off after each refusal: {string.Join("; ", backoffs)}");
        ReconnectBackoffLog.AssertEqualJitterExponential(backoffs, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Shutdown_closes_every_live_connection_with_a_close_frame()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT"], ["1m"],
            new Dictionary<string, string> { ["Binance:MaxStreamsPerConnection"] = "2" });
        await simulator.WaitForSubscribedStreamsAsync(4, Timeout);
        Assert.Equal(2, simulator.OpenConnections);
        var logs = ingestor.Logs;

        await ingestor.DisposeAsync();

        await Eventually.MatchAsync(() => Task.FromResult(simulator.OpenConnections), open => open == 0, Timeout, "the server sees both connections go");
        var goodbyes = simulator.ClientCloses.Received;
        Assert.Equal(2, goodbyes.Count);
        Assert.All(goodbyes, close =>
        {
            Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Status);
            Assert.Equal("shutdown", close.Description);
        });
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("closed on shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_drop_while_waiting_for_the_subscribe_acknowledgement_is_a_lost_connection_noticed_at_once()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        simulator.Faults.IgnoreSubscribes = true;
        // An acknowledgement timeout far beyond this test's own: only noticing the drop itself can end the wait.
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m"],
            new Dictionary<string, string> { ["Binance:SubscribeTimeout"] = "00:10:00" });
        await Eventually.MatchAsync(() => Task.FromResult(simulator.Connections.Sum(c => c.MessagesReceived)), received => received >= 1, Timeout,
            "the SUBSCRIBE reached the server");

        simulator.AbortAllConnections();
        // At once: the replacement's SUBSCRIBE must be answered, or it would wait out the ten-minute timeout on a slow machine.
        simulator.Faults.Clear();
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_reconnects_total", ("reason", "lost")) >= 1,
            "the drop is noticed while waiting for the acknowledgement", Timeout);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total", ("reason", "subscribe_failed")));

        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(candle);
        MetricsAssert.ShowsCandle(await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, candle), "data flows after the reconnect"), candle);
    }

    [Fact]
    public async Task Server_error_replies_are_counted_and_logged_through_the_throttle_truncated()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);

        var longMessage = "Invalid request: " + new string('z', 5_000);
        for (var i = 0; i < 50; i++)
        {
            await simulator.SendTextToAllAsync($$"""{"error":{"code":2,"msg":"{{longMessage}}"},"id":null}""");
        }

        var metrics = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_invalid_frames_total", ("reason", "error_response")) == 50,
            "every error reply is counted");
        var logged = ingestor.Logs.GetSnapshot().Where(r => r.Message.Contains("error 2", StringComparison.Ordinal)).ToList();
        Assert.InRange(logged.Count, 1, 2);
        Assert.All(logged, r =>
        {
            Assert.True(r.Level <= LogLevel.Warning, $"logged at {r.Level}");
            Assert.True(r.Message.Length < 1_000, $"a {r.Message.Length}-character log line");
        });
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
    }
}
