using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>The injectable failures: refused handshakes, swallowed subscribes, silence, shutdowns, fragments and resets.</summary>
public class SimulatorFaultTests
{
    [Fact]
    public async Task Handshakes_are_refused_with_the_configured_status_until_the_fault_is_cleared()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        simulator.Faults.RefuseHandshakesWith = 503;

        Assert.Equal(HttpStatusCode.ServiceUnavailable,
            await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/stream"));
        Assert.Equal(0, simulator.OpenConnections);

        simulator.Faults.Clear();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        // The client's handshake can complete a moment before the server has registered the connection.
        await simulator.WaitForConnectionsAsync(1, RawWebSocketClient.Timeout);
        Assert.Equal(1, simulator.OpenConnections);
    }

    [Fact]
    public async Task Ignored_subscribes_get_no_ack_and_no_subscription()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");
        simulator.Faults.IgnoreSubscribes = true;

        await client.SendAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":1}""");
        await client.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        await simulator.PublishAsync(Candles.Make("BTCUSDT", "1m", 1));

        // The next message is the answer to the next request: nothing for the swallowed SUBSCRIBE, no data either.
        Assert.Equal("""{"result":[],"id":2}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":2}"""));

        simulator.Faults.IgnoreSubscribes = false;
        Assert.Equal("""{"result":null,"id":3}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":3}"""));
    }

    [Fact]
    public async Task Stop_sending_keeps_the_socket_open_but_delivers_no_data_and_answers_no_request()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await simulator.WaitForSubscribedStreamsAsync(1, RawWebSocketClient.Timeout);
        simulator.Faults.StopSending = true;

        var silenced = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(silenced);
        await client.SendAsync("""{"method":"LIST_SUBSCRIPTIONS","id":7}""");
        await client.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(silenced, simulator.LastSent["btcusdt@kline_1m"]);
        Assert.Equal(1, simulator.OpenConnections);
        Assert.Equal(WebSocketState.Open, client.State);

        simulator.Faults.StopSending = false;
        var resumed = Candles.Make("BTCUSDT", "1m", 2);
        await simulator.PublishAsync(resumed);
        Assert.Equal(resumed.ToRawJson(), await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Server_shutdown_is_announced_raw_or_wrapped_per_connection_mode()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 3, 12, 57, 36, 789, TimeSpan.Zero));
        await using var simulator = await SimulatorHost.StartAsync(time: time);
        await using var raw = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await using var combined = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=btcusdt@kline_1m");
        await using var switched = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");
        Assert.Equal("""{"result":null,"id":1}""", await switched.RequestAsync("""{"method":"SET_PROPERTY","params":["combined",true],"id":1}"""));
        await simulator.WaitForConnectionsAsync(3, RawWebSocketClient.Timeout);

        await simulator.SendServerShutdownAsync();

        var rawEvent = (await raw.ReceiveAsync()).Json;
        Assert.Equal(["e", "E"], rawEvent.EnumerateObject().Select(p => p.Name));
        Assert.Equal("serverShutdown", rawEvent.GetProperty("e").GetString());
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), rawEvent.GetProperty("E").GetInt64());
        foreach (var client in new[] { combined, switched })
        {
            var envelope = (await client.ReceiveAsync()).Json;
            Assert.Equal(["stream", "data"], envelope.EnumerateObject().Select(p => p.Name));
            Assert.Equal("!serverShutdown", envelope.GetProperty("stream").GetString());
            Assert.Equal("serverShutdown", envelope.GetProperty("data").GetProperty("e").GetString());
            Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), envelope.GetProperty("data").GetProperty("E").GetInt64());
        }

        // Binance promises no lead time, but the sockets stay usable until the clients leave.
        Assert.Equal(3, simulator.OpenConnections);
        Assert.Equal("""{"result":["btcusdt@kline_1m"],"id":2}""", await raw.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":2}"""));
    }

    [Theory]
    [InlineData("/ws/btcusdt@kline_1m", false, 3)]
    [InlineData("/stream?streams=btcusdt@kline_1m", true, 7)]
    public async Task A_fragmented_message_reassembles_to_the_exact_json(string path, bool combined, int fragments)
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, path);
        await simulator.WaitForSubscribedStreamsAsync(1, RawWebSocketClient.Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 1);

        await simulator.SendFragmentedAsync(candle, fragments);
        var next = Candles.Make("BTCUSDT", "1m", 2);
        await simulator.PublishAsync(next);

        var message = await client.ReceiveAsync();
        Assert.Equal(combined ? candle.ToCombinedJson() : candle.ToRawJson(), message.Text);
        Assert.Equal(WebSocketMessageType.Text, message.Type);
        Assert.True(message.Frames >= fragments, $"{message.Frames} frames");
        // Nothing interleaves and the following message is whole.
        Assert.Equal(combined ? next.ToCombinedJson() : next.ToRawJson(), await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Abort_all_connections_resets_without_a_close_handshake()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var first = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await using var second = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=ethusdt@kline_1m");
        await simulator.WaitForConnectionsAsync(2, RawWebSocketClient.Timeout);

        simulator.AbortAllConnections();

        foreach (var client in new[] { first, second })
        {
            var ending = await client.WaitForEndingAsync();
            Assert.Null(ending.Status);
            Assert.IsType<WebSocketException>(ending.Error);
        }

        await SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections == 0, "the server forgets both connections");
        await using var again = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await simulator.WaitForSubscribedStreamsAsync(1, RawWebSocketClient.Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(candle);
        Assert.Equal(candle.ToRawJson(), await again.ReceiveTextAsync());
    }
}
