using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KlineAspire.Tests.Integration.Faults;

/// <summary>
/// The fault suite: one case per failure mode of the exchange or the network. Every case checks that no good update
/// is lost or corrupted (values from before the fault stay exact, an update after it arrives exactly), that the
/// process stays alive and ready, and that the reconnect counter names the right reason.
/// </summary>
public class IngestorFaultTests
{
    private static double Reconnects(MetricsText metrics, string reason) => metrics.Sum("kline_ingestor_reconnects_total", ("reason", reason));

    [Fact]
    public async Task Abrupt_tcp_resets_reconnect_and_resubscribe_without_losing_data()
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT", "BNBUSDT"], ["1m", "1s"]);
        var untouched = await harness.PublishAndAwaitAsync("the initial values arrive", "BNBUSDT");

        for (var reset = 1; reset <= 3; reset++)
        {
            var attempts = harness.Simulator.ConnectionAttempts;
            harness.Simulator.AbortAllConnections();
            await harness.WaitForAttemptsAsync(attempts, $"the ingestor reconnects after reset {reset}");
            await harness.WaitForRecoveryAsync();
            await harness.PublishAndAwaitAsync($"updates after reset {reset} arrive", "BTCUSDT", "ETHUSDT");
        }

        var final = await harness.PublishAndAwaitAsync("the final updates arrive", "BTCUSDT", "ETHUSDT");
        var metrics = await harness.AssertIntactAndHealthyAsync(final.Concat(untouched));
        Assert.Equal(3, Reconnects(metrics, "lost"));
        Assert.Equal(0, Reconnects(metrics, "probe_failed") + Reconnects(metrics, "subscribe_failed") + Reconnects(metrics, "connect_failed"));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Refused_handshakes_are_retried_with_backoff_until_the_server_accepts_again(int status)
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"]);
        var before = await harness.PublishAndAwaitAsync("the initial values arrive");

        harness.Simulator.Faults.RefuseHandshakesWith = status;
        var attempts = harness.Simulator.ConnectionAttempts;
        harness.Simulator.AbortAllConnections();
        await harness.WaitForAttemptsAsync(attempts + 3, $"the ingestor keeps retrying through HTTP {status}");
        var during = await harness.Ingestor.WaitForMetricsAsync(
            m => Reconnects(m, "connect_failed") >= 3 && m.Value("kline_ingestor_connections") == 0,
            "refused handshakes are counted as failed connection attempts", FaultHarness.Timeout);
        Assert.True(during.Sum("kline_ingestor_connection_attempts_total", ("result", "failure")) >= 3);
        Assert.Equal(HttpStatusCode.OK, (await harness.Ingestor.HealthAsync("/alive")).Status);
        // Values received before the outage are still exported, unchanged, while the server refuses.
        foreach (var candle in before)
        {
            MetricsAssert.ShowsCandle(during, candle);
        }

        harness.Simulator.Faults.Clear();
        await harness.WaitForRecoveryAsync();
        var after = await harness.PublishAndAwaitAsync("updates after the outage arrive", "BTCUSDT");
        var metrics = await harness.AssertIntactAndHealthyAsync(after.Append(before.Single(c => c.Symbol == "ETHUSDT")));
        Assert.Equal(1, Reconnects(metrics, "lost"));
        Assert.True(metrics.Sum("kline_ingestor_connection_attempts_total", ("result", "success")) >= 2);

        // The backoff: after the drop and each refusal the delay grows from RunningIngestor's 100 ms base up to its 1 s
        // maximum, and each one is waited out before the next handshake.
        var backoffs = ReconnectBackoffLog.Read(harness.Ingestor.Logs);
        Assert.True(backoffs.Count >= 4, $"one back-off after the drop and one after each of at least three refusals: {string.Join("; ", backoffs)}");
        ReconnectBackoffLog.AssertEqualJitterExponential(backoffs, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_server_that_never_acknowledges_subscribe_is_left_after_the_subscribe_timeout()
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"],
            settings: new Dictionary<string, string> { ["Binance:SubscribeTimeout"] = "00:00:01" });
        var before = await harness.PublishAndAwaitAsync("the initial values arrive");

        harness.Simulator.Faults.IgnoreSubscribes = true;
        harness.Simulator.AbortAllConnections();
        var stopwatch = Stopwatch.StartNew();
        await harness.Ingestor.WaitForMetricsAsync(m => Reconnects(m, "subscribe_failed") >= 2, "unacknowledged subscriptions time out, twice",
            FaultHarness.Timeout);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1.5), $"two subscribe timeouts of 1 s took only {stopwatch.Elapsed}");
        Assert.Contains(harness.Ingestor.Logs.GetSnapshot(), r => r.Message.Contains("no answer to SUBSCRIBE", StringComparison.Ordinal));

        harness.Simulator.Faults.Clear();
        await harness.WaitForRecoveryAsync();
        // The connections that never got an ack were closed by the ingestor, not left open on the server.
        Assert.Equal(1, harness.Simulator.OpenConnections);
        var after = await harness.PublishAndAwaitAsync("updates after the fault arrive", "ETHUSDT");
        await harness.AssertIntactAndHealthyAsync(after.Append(before.Single(c => c.Symbol == "BTCUSDT")));
    }

    [Fact]
    public async Task A_quiet_connection_is_probed_and_kept_but_one_that_answers_nothing_is_replaced()
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"],
            settings: new Dictionary<string, string> { ["Binance:NoDataTimeout"] = "00:00:01.500" });
        var before = await harness.PublishAndAwaitAsync("the initial values arrive");

        // Quiet: no data for several NoDataTimeouts, but the server answers LIST_SUBSCRIPTIONS. Nothing is replaced.
        var attempts = harness.Simulator.ConnectionAttempts;
        await harness.Ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_probes_total", ("result", "alive")) >= 2,
            "the quiet connection is probed and answers", FaultHarness.Timeout);
        Assert.Equal(attempts, harness.Simulator.ConnectionAttempts);

        // Half-dead: the socket stays open but nothing comes back, not even the answer to a probe.
        harness.Simulator.Faults.StopSending = true;
        var swallowed = harness.Next("BTCUSDT");
        await harness.Simulator.PublishAsync(swallowed);
        var during = await harness.Ingestor.WaitForMetricsAsync(m => Reconnects(m, "probe_failed") >= 1, "the dead connection is detected",
            FaultHarness.Timeout);
        await harness.WaitForAttemptsAsync(attempts, "a new connection is opened");
        Assert.False(MetricsAssert.HasClose(during, swallowed), "the server never sent this update");
        Assert.True(during.Sum("kline_ingestor_probes_total", ("result", "failed")) >= 1);
        Assert.Equal(HttpStatusCode.OK, (await harness.Ingestor.HealthAsync("/alive")).Status);
        Assert.Contains(harness.Ingestor.Logs.GetSnapshot(), r => r.Message.Contains("its probe failed", StringComparison.Ordinal));

        harness.Simulator.Faults.Clear();
        await harness.WaitForRecoveryAsync();
        var after = await harness.PublishAndAwaitAsync("updates after the silence arrive", "BTCUSDT");
        var metrics = await harness.AssertIntactAndHealthyAsync(after.Append(before.Single(c => c.Symbol == "ETHUSDT")));
        Assert.Equal(0, Reconnects(metrics, "lost"));
        Assert.Equal(0, harness.Simulator.RateLimitViolations);
    }

    [Fact]
    public async Task A_slow_reading_server_still_gets_every_subscription_within_its_limits()
    {
        // Three SUBSCRIBE requests (batches of two streams), each read by the server half a second late.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        simulator.Faults.SlowRead = TimeSpan.FromMilliseconds(500);
        string[] symbols = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "SOLUSDT"];
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m"],
            new Dictionary<string, string> { ["Binance:SubscribeBatchSize"] = "2", ["Binance:SubscribeTimeout"] = "00:00:05" });
        await simulator.WaitForSubscribedStreamsAsync(symbols.Length, FaultHarness.Timeout);

        // Data keeps flowing to the client while the server is slow to read from it.
        var sequence = 0;
        var during = symbols.Select(s => Candles.Make(s, "1m", ++sequence)).ToList();
        foreach (var candle in during)
        {
            await simulator.PublishAsync(candle);
        }

        await ingestor.WaitForMetricsAsync(m => during.All(c => MetricsAssert.HasClose(m, c)), "updates arrive while the server reads slowly",
            FaultHarness.Timeout);

        // A reconnect under the same slowness subscribes again.
        var attempts = simulator.ConnectionAttempts;
        simulator.AbortAllConnections();
        await Eventually.MatchAsync(() => Task.FromResult(simulator.ConnectionAttempts), a => a > attempts, FaultHarness.Timeout, "the ingestor reconnects");
        await simulator.WaitForSubscribedStreamsAsync(symbols.Length, FaultHarness.Timeout);
        simulator.Faults.Clear();

        var after = Candles.Make("BTCUSDT", "1m", ++sequence);
        await simulator.PublishAsync(after);
        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, after), "the update after the reconnect arrives", FaultHarness.Timeout);
        MetricsAssert.ShowsCandle(metrics, after);
        foreach (var candle in during.Skip(1))
        {
            MetricsAssert.ShowsCandle(metrics, candle);
        }

        Assert.Equal(0, Reconnects(metrics, "subscribe_failed"));
        Assert.Equal(1, Reconnects(metrics, "lost"));
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.InRange(simulator.MaxObservedIncomingMessagesPerSecond, 1, 5);
        Assert.Equal(HttpStatusCode.OK, (await ingestor.HealthAsync("/alive")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ingestor.HealthAsync()).Status);
    }

    [Fact]
    public async Task A_frame_under_the_size_cap_is_parsed_and_one_over_it_costs_the_connection_but_not_the_data()
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"]);
        var before = await harness.PublishAndAwaitAsync("the initial values arrive");

        // Valid JSON of an event the ingestor does not know, just under the 1 MiB cap: parsed, counted, harmless.
        var padding = new string('x', 1024 * 1024 - 100);
        await harness.Simulator.SendTextToAllAsync($$"""{"e":"padding","E":1,"pad":"{{padding}}"}""");
        await harness.Ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_invalid_frames_total", ("reason", "unknown_event")) == 1,
            "the large frame is parsed and counted", FaultHarness.Timeout);
        Assert.Equal(1, harness.Simulator.ConnectionAttempts);

        // An unterminated frame of 1.5 MiB: the ingestor stops reading it at the cap instead of buffering it whole.
        var attempts = harness.Simulator.ConnectionAttempts;
        await harness.Simulator.SendTextToAllAsync("{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"pad\":\"" + new string('x', 3 * 1024 * 1024 / 2));
        await harness.WaitForAttemptsAsync(attempts, "the ingestor replaces the connection that sent an oversized message");
        await harness.WaitForRecoveryAsync();

        var after = await harness.PublishAndAwaitAsync("the update after the huge frame arrives", "BTCUSDT");
        var metrics = await harness.AssertIntactAndHealthyAsync(after.Append(before.Single(c => c.Symbol == "ETHUSDT")));
        Assert.Equal(1, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "too_large")));
        Assert.Equal(1, Reconnects(metrics, "message_too_large"));
        Assert.Equal(0, Reconnects(metrics, "lost"));
        Assert.Contains(harness.Ingestor.Logs.GetSnapshot(), r => r.Message.Contains("over the limit of 1048576", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_frame_costs_the_connection_but_not_the_data()
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"]);
        var before = await harness.PublishAndAwaitAsync("the initial values arrive");

        // RFC 6455 §8.1: a text frame that is not UTF-8 fails the connection (close 1007); ClientWebSocket does so.
        var attempts = harness.Simulator.ConnectionAttempts;
        await harness.Simulator.SendBytesToAllAsync([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], WebSocketMessageType.Text);
        await harness.WaitForAttemptsAsync(attempts, "the ingestor reconnects after the invalid text frame");
        await harness.WaitForRecoveryAsync();

        var after = await harness.PublishAndAwaitAsync("updates after the reconnect arrive", "BTCUSDT");
        var metrics = await harness.AssertIntactAndHealthyAsync(after.Append(before.Single(c => c.Symbol == "ETHUSDT")));
        Assert.Equal(1, Reconnects(metrics, "lost"));
        Assert.Equal(2, harness.Simulator.ConnectionAttempts);
    }

    [Fact]
    public async Task Frequent_server_pings_with_a_short_pong_deadline_never_cost_the_connection()
    {
        // The server pings four times a second and drops a client whose pong is late; the client must keep up while
        // updates flow. The deadline is short next to Binance's minute, yet longer than a stall of a loaded 2-core
        // machine, and the test runs for three of them: only a client that stops answering pings is dropped.
        var pongTimeout = TimeSpan.FromSeconds(2);
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"], simulatorOptions: options =>
        {
            options.PingInterval = TimeSpan.FromMilliseconds(250);
            options.PongTimeout = pongTimeout;
        });
        var before = await harness.PublishAndAwaitAsync("the initial values arrive", "ETHUSDT");

        var last = new List<KlineCandle>();
        var until = DateTime.UtcNow + 3 * pongTimeout;
        while (DateTime.UtcNow < until)
        {
            var candle = harness.Next("BTCUSDT");
            await harness.Simulator.PublishAsync(candle);
            last = [candle];
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        var metrics = await harness.AssertIntactAndHealthyAsync(last.Concat(before));
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(1, harness.Simulator.ConnectionAttempts);
        Assert.Equal(1, harness.Simulator.OpenConnections);
    }

    [Fact]
    public async Task Policy_violation_closes_reconnect_with_growing_backoff()
    {
        await using var harness = await FaultHarness.StartAsync(["BTCUSDT", "ETHUSDT"], settings: new Dictionary<string, string>
        {
            ["Binance:ReconnectBaseDelay"] = "00:00:01",
            ["Binance:ReconnectMaxDelay"] = "00:00:04",
        });
        var before = await harness.PublishAndAwaitAsync("the initial values arrive");

        // Equal jitter: the n-th consecutive failure waits between half and all of base * 2^n: 0.5-1 s, 1-2 s, 2-4 s.
        const int Closes = 3;
        for (var close = 0; close < Closes; close++)
        {
            var attempts = harness.Simulator.ConnectionAttempts;
            await harness.Simulator.CloseAllAsync(WebSocketCloseStatus.PolicyViolation, "Too many requests");
            await harness.WaitForAttemptsAsync(attempts, "the ingestor reconnects after a 1008 close");
            await harness.WaitForRecoveryAsync();
        }

        // The delays the supervisor chose (it logs each), and that it waited each out before connecting again.
        var backoffs = ReconnectBackoffLog.Read(harness.Ingestor.Logs);
        Assert.Equal(Closes, backoffs.Count);
        ReconnectBackoffLog.AssertEqualJitterExponential(backoffs, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        Assert.All(backoffs, backoff => Assert.NotNull(backoff.NextConnectionLoggedAt));

        var after = await harness.PublishAndAwaitAsync("updates after the closes arrive", "BTCUSDT");
        var metrics = await harness.AssertIntactAndHealthyAsync(after.Append(before.Single(c => c.Symbol == "ETHUSDT")));
        Assert.Equal(Closes, Reconnects(metrics, "lost"));
        Assert.Equal(Closes + 1, harness.Simulator.ConnectionAttempts);
    }

    [Fact]
    public async Task Server_shutdown_in_the_middle_of_a_burst_loses_no_update()
    {
        var symbols = Enumerable.Range(0, 20).Select(i => $"B{i:D2}USDT").ToArray();
        await using var harness = await FaultHarness.StartAsync(symbols, ["1m", "1s"]);

        var latest = new Dictionary<string, KlineCandle>();
        var slots = harness.Ingestor.App.Services.GetRequiredService<KlineStore>().Slots.ToDictionary(slot => slot.Id.Name, StringComparer.Ordinal);
        var attempts = harness.Simulator.ConnectionAttempts;
        const int Rounds = 200;
        for (var round = 0; round < Rounds; round++)
        {
            if (round == Rounds / 4)
            {
                await harness.Simulator.SendServerShutdownAsync();
            }

            foreach (var symbol in symbols)
            {
                foreach (var interval in harness.Intervals)
                {
                    var candle = harness.Next(symbol, interval);
                    latest[candle.StreamName] = candle;
                    await harness.Simulator.PublishAsync(candle);
                }
            }

            // Every update of the burst reaches the ingestor on one connection or the other and is stored: each
            // stream shows this round's update before the next round goes out.
            await StoredAsync(slots, latest.Values, round);

            // Spread the burst over the replacement: the new connection subscribes while updates keep coming.
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(harness.Simulator.ConnectionAttempts > attempts, "the replacement connected during the burst");
        var metrics = await harness.AssertIntactAndHealthyAsync(latest.Values);
        Assert.Equal(1, Reconnects(metrics, "server_shutdown"));
        Assert.Equal(0, Reconnects(metrics, "lost"));
        Assert.Equal(2, harness.Simulator.PeakOpenConnections);
        await harness.WaitForRecoveryAsync();
        Assert.Contains(harness.Ingestor.Logs.GetSnapshot(), r => r.Message.Contains("received serverShutdown", StringComparison.Ordinal));
    }

    /// <summary>Waits until every stream's slot holds the update last published for it (its event time is unique).</summary>
    private static async Task StoredAsync(Dictionary<string, StreamSlot> slots, IEnumerable<KlineCandle> published, int round)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var missing = published.Where(candle => !Holds(slots[candle.StreamName], candle)).Select(candle => candle.StreamName).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            Assert.True(deadline.Elapsed < FaultHarness.Timeout, $"round {round}: the update never reached {string.Join(", ", missing)}");
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        static bool Holds(StreamSlot slot, KlineCandle candle)
        {
            slot.Read(candle.EventTime, long.MaxValue, out var reading);
            return reading.EventTime == candle.EventTime;
        }
    }
}
