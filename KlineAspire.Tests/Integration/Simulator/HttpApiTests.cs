using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>The simulator's control API: last published candles, feed pause/resume, counters and faults.</summary>
public class HttpApiTests
{
    [Fact]
    public async Task Get_last_returns_the_last_candle_published_per_stream()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        using var http = SimulatorHttp.Client(simulator);
        Assert.Empty(await http.GetJsonAsync<List<KlineCandle>>("/api/last"));

        var eth = Candles.Make("ETHUSDT", "1m", 1);
        var btcMonth = Candles.Make("BTCUSDT", "1M", 1);
        var btcMinute = Candles.Make("BTCUSDT", "1m", 1);
        foreach (var candle in new[] { eth, btcMonth, Candles.Make("BTCUSDT", "1m", 0), btcMinute })
        {
            await simulator.PublishAsync(candle);
        }

        // Ordered by symbol, then interval (ordinal: "1M" before "1m"); each the last one published.
        Assert.Equal([btcMonth, btcMinute, eth], await http.GetJsonAsync<List<KlineCandle>>("/api/last"));
    }

    [Fact]
    public async Task Pausing_the_feed_stops_updates_and_the_last_candle_matches_what_the_client_saw()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.UpdatePeriod = TimeSpan.FromMilliseconds(100));
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await client.ReceiveAsync();
        var seenBeforePause = await client.ReceiveAsync();

        using var pause = await http.PostAsync("/api/feed/pause", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, pause.StatusCode);
        // Whatever was sent before the pause returned is in flight; after that, silence.
        var tail = await client.CollectAsync(TimeSpan.FromMilliseconds(200));
        await client.ExpectSilenceAsync(TimeSpan.FromMilliseconds(400));

        var stats = await http.GetJsonAsync<SimulatorStats>("/api/stats");
        Assert.True(stats.FeedPaused);
        var last = Assert.Single(await http.GetJsonAsync<List<KlineCandle>>("/api/last"));
        // The client has seen candles, so there is always a last one to compare: the last of those in flight at the
        // pause, or else the last received before it.
        var lastSeen = tail.Count > 0 ? tail[^1] : seenBeforePause;
        Assert.Equal(last.ToRawJson(), lastSeen.Text);
        Assert.Equal("btcusdt@kline_1m", last.StreamName);

        using var resume = await http.PostAsync("/api/feed/resume", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, resume.StatusCode);
        var next = JsonDocument.Parse(await client.ReceiveTextAsync()).RootElement;
        Assert.True(next.GetProperty("E").GetInt64() > last.EventTime);
        Assert.False((await http.GetJsonAsync<SimulatorStats>("/api/stats")).FeedPaused);
    }

    [Fact]
    public async Task Stats_count_connections_refusals_and_violations()
    {
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.MaxStreamsPerConnection = 1;
            o.MaxConnectionAttempts = 3;
        });
        using var http = SimulatorHttp.Client(simulator);
        var initial = await http.GetJsonAsync<SimulatorStats>("/api/stats");
        Assert.Empty(initial.SentUpdates);
        Assert.Equal(new SimulatorStats(0, 0, 0, 0, 0, 0, 0, false, initial.SentUpdates), initial);

        await using var subscriber = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        Assert.Contains("\"code\":4", await subscriber.RequestAsync("""{"method":"SUBSCRIBE","params":["ethusdt@kline_1m"],"id":1}"""));

        await using var flooder = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");
        for (var i = 0; i < 7; i++)
        {
            try
            {
                await flooder.SendAsync("""{"method":"LIST_SUBSCRIPTIONS","id":1}""");
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
            {
                break;
            }
        }

        await flooder.WaitForEndingAsync();
        await using var third = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");
        Assert.Equal(HttpStatusCode.TooManyRequests, await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/ws"));
        await SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections == 2, "the flooder is gone");

        var stats = await http.GetJsonAsync<SimulatorStats>("/api/stats");
        Assert.Equal(new SimulatorStats(
            OpenConnections: 2,
            ConnectionAttempts: 4,
            RefusedConnectionAttempts: 1,
            SubscribedStreams: 1,
            RateLimitViolations: 1,
            StreamLimitViolations: 1,
            MaxObservedIncomingMessagesPerSecond: 6,
            FeedPaused: false,
            SentUpdates: stats.SentUpdates), stats);
    }

    [Fact]
    public async Task Sent_updates_are_counted_per_stream_over_its_subscribers_and_reported_in_stats()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        using var http = SimulatorHttp.Client(simulator);
        await using var both = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m");
        await using var btcOnly = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await simulator.WaitForConnectionsAsync(2, RawWebSocketClient.Timeout);
        await simulator.WaitForSubscribedStreamsAsync(2, RawWebSocketClient.Timeout);

        for (var i = 1; i <= 3; i++)
        {
            await simulator.PublishAsync(Candles.Make("BTCUSDT", "1m", i));
        }

        for (var i = 1; i <= 2; i++)
        {
            await simulator.PublishAsync(Candles.Make("ETHUSDT", "1m", i));
        }

        // Nothing is written while sending is stopped, so nothing is counted.
        simulator.Faults.StopSending = true;
        await simulator.PublishAsync(Candles.Make("ETHUSDT", "1m", 3));

        Assert.Equal(new Dictionary<string, long> { ["btcusdt@kline_1m"] = 6, ["ethusdt@kline_1m"] = 2 }, simulator.SentUpdates);
        var stats = await http.GetJsonAsync<JsonElement>("/api/stats");
        Assert.Equal("""{"btcusdt@kline_1m":6,"ethusdt@kline_1m":2}""", stats.GetProperty("sentUpdates").GetRawText());
        // What the clients received matches, message for message.
        foreach (var (client, count) in new[] { (both, 5), (btcOnly, 3) })
        {
            for (var i = 0; i < count; i++)
            {
                await client.ReceiveAsync();
            }
        }
    }

    [Fact]
    public async Task Faults_can_be_set_and_read_over_http()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        using var http = SimulatorHttp.Client(simulator);

        using var set = await http.PostAsJsonAsync("/api/faults", new { refuseHandshakesWith = 503, ignoreSubscribes = true },
            TestContext.Current.CancellationToken);
        set.EnsureSuccessStatusCode();
        Assert.Equal(503, simulator.Faults.RefuseHandshakesWith);
        Assert.True(simulator.Faults.IgnoreSubscribes);
        var read = await http.GetJsonAsync<JsonElement>("/api/faults");
        Assert.Equal(503, read.GetProperty("refuseHandshakesWith").GetInt32());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/ws"));

        using var clear = await http.PostAsJsonAsync("/api/faults", new { }, TestContext.Current.CancellationToken);
        clear.EnsureSuccessStatusCode();
        Assert.Null(simulator.Faults.RefuseHandshakesWith);
        Assert.False(simulator.Faults.IgnoreSubscribes);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");
        Assert.Equal("""{"result":null,"id":1}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":1}"""));
    }
}
