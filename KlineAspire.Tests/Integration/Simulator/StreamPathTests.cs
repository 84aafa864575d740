using System.Net;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>Binance's two URL forms: raw <c>/ws/&lt;stream&gt;</c> payloads and combined <c>/stream?streams=</c> envelopes.</summary>
public class StreamPathTests
{
    [Fact]
    public async Task Raw_path_delivers_raw_payloads_of_the_subscribed_stream_only()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        await simulator.WaitForSubscribedStreamsAsync(1, RawWebSocketClient.Timeout);

        await simulator.PublishAsync(Candles.Make("ETHUSDT", "1m", 1));
        await simulator.PublishAsync(Candles.Make("BTCUSDT", "1s", 1));
        var candle = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(candle);

        Assert.Equal(candle.ToRawJson(), await client.ReceiveTextAsync());
        Assert.Equal("btcusdt@kline_1m", Assert.Single(simulator.Connections).Streams.Single());
        Assert.False(simulator.Connections[0].Combined);
        await client.ExpectSilenceAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task Combined_path_wraps_every_event_in_a_stream_envelope()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=btcusdt@kline_1m/ethusdt@kline_1M");
        await simulator.WaitForSubscribedStreamsAsync(2, RawWebSocketClient.Timeout);

        var btc = Candles.Make("BTCUSDT", "1m", 1);
        var eth = Candles.Make("ETHUSDT", "1M", 1);
        await simulator.PublishAsync(btc);
        await simulator.PublishAsync(eth);

        foreach (var expected in new[] { btc, eth })
        {
            var message = await client.ReceiveAsync();
            Assert.Equal($$"""{"stream":"{{expected.StreamName}}","data":{{expected.ToRawJson()}}}""", message.Text);
            Assert.Equal(expected.StreamName, message.Json.GetProperty("stream").GetString());
            Assert.Equal(expected.ToRawJson(), message.Json.GetProperty("data").GetRawText());
        }

        Assert.Equal("""{"result":["btcusdt@kline_1m","ethusdt@kline_1M"],"id":1}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":1}"""));
    }

    [Fact]
    public async Task Url_encoded_combined_streams_are_accepted()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=btcusdt%40kline_1m%2Fethusdt%40kline_1m");
        await simulator.WaitForSubscribedStreamsAsync(2, RawWebSocketClient.Timeout);

        Assert.Equal(["btcusdt@kline_1m", "ethusdt@kline_1m"], simulator.SubscribedStreams.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/ws", false)]
    [InlineData("/stream", true)]
    public async Task Bare_paths_start_empty_and_deliver_after_SUBSCRIBE(string path, bool combined)
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, path);
        await simulator.WaitForConnectionsAsync(1, RawWebSocketClient.Timeout);
        Assert.Empty(simulator.SubscribedStreams);

        var before = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(before);
        Assert.Equal("""{"result":[],"id":1}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":1}"""));

        Assert.Equal("""{"result":null,"id":2}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":2}"""));
        var candle = Candles.Make("BTCUSDT", "1m", 2);
        await simulator.PublishAsync(candle);

        Assert.Equal(combined ? candle.ToCombinedJson() : candle.ToRawJson(), await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("/ws/BTCUSDT@kline_1m")]
    [InlineData("/stream?streams=btcusdt@kline_1m/ETHUSDT@kline_1m")]
    [InlineData("/stream?streams=btcusdt")]
    public async Task A_url_with_an_invalid_stream_name_is_refused(string path)
    {
        await using var simulator = await SimulatorHost.StartAsync();

        Assert.Equal(HttpStatusCode.BadRequest, await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, path));
        Assert.Equal(0, simulator.OpenConnections);
    }
}
