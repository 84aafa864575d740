using System.Text.Json;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>Binance's JSON control protocol: results and wrapped errors, each echoing the request id.</summary>
public class ControlMessageTests
{
    // These tests send requests back to back; the 5 messages/s limit has its own tests.
    private static Task<BinanceSimulator> StartAsync(int maxStreams = 1024) =>
        SimulatorHost.StartAsync(o =>
        {
            o.MaxIncomingMessagesPerSecond = 1000;
            o.MaxStreamsPerConnection = maxStreams;
        });

    private static async Task<(BinanceSimulator Simulator, RawWebSocketClient Client)> ConnectAsync(string path = "/ws", int maxStreams = 1024)
    {
        var simulator = await StartAsync(maxStreams);
        var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, path);
        return (simulator, client);
    }

    private static void AssertError(string response, int code, string idJson)
    {
        using var document = JsonDocument.Parse(response);
        var root = document.RootElement;
        Assert.Equal(["error", "id"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(code, root.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.String, root.GetProperty("error").GetProperty("msg").ValueKind);
        Assert.Equal(idJson, root.GetProperty("id").GetRawText());
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("-42", "-42")]
    [InlineData("\"abc123\"", "\"abc123\"")]
    [InlineData("\"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\"", "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\"")]
    [InlineData("null", "null")]
    public async Task Subscribe_unsubscribe_and_list_acks_echo_the_id(string id, string echoed)
    {
        var (simulator, client) = await ConnectAsync();
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        Assert.Equal($$"""{"result":null,"id":{{echoed}}}""",
            await client.RequestAsync($$"""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m","ethusdt@kline_1m"],"id":{{id}}}"""));
        Assert.Equal($$"""{"result":["btcusdt@kline_1m","ethusdt@kline_1m"],"id":{{echoed}}}""",
            await client.RequestAsync($$"""{"method":"LIST_SUBSCRIPTIONS","id":{{id}}}"""));
        Assert.Equal($$"""{"result":null,"id":{{echoed}}}""",
            await client.RequestAsync($$"""{"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":{{id}}}"""));
        Assert.Equal($$"""{"result":["ethusdt@kline_1m"],"id":{{echoed}}}""", await client.RequestAsync($$"""{"method":"LIST_SUBSCRIPTIONS","id":{{id}}}"""));
        Assert.Equal(["ethusdt@kline_1m"], simulator.SubscribedStreams);
    }

    [Fact]
    public async Task A_request_without_an_id_is_answered_with_a_null_id()
    {
        var (simulator, client) = await ConnectAsync();
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        Assert.Equal("""{"result":null,"id":null}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"]}"""));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"has-dash\"")]
    [InlineData("\"ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890\"")] // 37 characters
    [InlineData("true")]
    public async Task An_invalid_id_is_an_error_with_a_null_id(string id)
    {
        var (simulator, client) = await ConnectAsync();
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        var response = await client.RequestAsync($$"""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":{{id}}}""");

        using var document = JsonDocument.Parse(response);
        Assert.True(document.RootElement.TryGetProperty("error", out _), response);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("id").ValueKind);
        Assert.Empty(simulator.SubscribedStreams);
    }

    [Fact]
    public async Task Set_property_combined_switches_the_envelope_and_get_property_reports_it()
    {
        var (simulator, client) = await ConnectAsync("/ws/btcusdt@kline_1m");
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        Assert.Equal("""{"result":false,"id":1}""", await client.RequestAsync("""{"method":"GET_PROPERTY","params":["combined"],"id":1}"""));
        Assert.Equal("""{"result":null,"id":2}""", await client.RequestAsync("""{"method":"SET_PROPERTY","params":["combined",true],"id":2}"""));
        Assert.Equal("""{"result":true,"id":3}""", await client.RequestAsync("""{"method":"GET_PROPERTY","params":["combined"],"id":3}"""));

        var wrapped = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(wrapped);
        Assert.Equal(wrapped.ToCombinedJson(), await client.ReceiveTextAsync());

        Assert.Equal("""{"result":null,"id":"x4"}""", await client.RequestAsync("""{"method":"SET_PROPERTY","params":["combined",false],"id":"x4"}"""));
        var raw = Candles.Make("BTCUSDT", "1m", 2);
        await simulator.PublishAsync(raw);
        Assert.Equal(raw.ToRawJson(), await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("{not json", 3, "null")]
    [InlineData("[1,2,3]", 3, "null")]
    [InlineData("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":7""", 3, "null")]
    [InlineData("""{"method":"PING","id":5}""", 2, "5")]
    [InlineData("""{"method":"subscribe","params":["btcusdt@kline_1m"],"id":"abc"}""", 2, "\"abc\"")]
    [InlineData("""{"params":["btcusdt@kline_1m"],"id":6}""", 2, "6")]
    [InlineData("""{"method":"SUBSCRIBE","id":8}""", 2, "8")]
    [InlineData("""{"method":"SUBSCRIBE","params":"btcusdt@kline_1m","id":9}""", 1, "9")]
    [InlineData("""{"method":"SET_PROPERTY","params":["combined","yes"],"id":10}""", 1, "10")]
    [InlineData("""{"method":"SET_PROPERTY","params":["compressed",true],"id":11}""", 0, "11")]
    [InlineData("""{"method":"GET_PROPERTY","params":["compressed"],"id":12}""", 0, "12")]
    [InlineData("""{"method":"SET_PROPERTY","params":["combined",true,1],"id":13}""", 2, "13")]
    public async Task Bad_requests_get_wrapped_errors_and_the_connection_stays_usable(string request, int code, string idJson)
    {
        var (simulator, client) = await ConnectAsync();
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        AssertError(await client.RequestAsync(request), code, idJson);

        Assert.Equal("""{"result":null,"id":99}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":99}"""));
        Assert.Equal(1, simulator.OpenConnections);
    }

    [Fact]
    public async Task Too_many_subscriptions_is_error_4_and_leaves_the_subscriptions_unchanged()
    {
        var (simulator, client) = await ConnectAsync(maxStreams: 2);
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        Assert.Equal("""{"result":null,"id":1}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m","ethusdt@kline_1m"],"id":1}"""));
        // Re-subscribing to a stream already held does not count twice.
        Assert.Equal("""{"result":null,"id":2}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":2}"""));

        Assert.Equal("""{"error":{"code":4,"msg":"Too many subscriptions"},"id":19}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["bnbusdt@kline_1m"],"id":19}"""));

        Assert.Equal(1, simulator.StreamLimitViolations);
        Assert.Equal("""{"result":["btcusdt@kline_1m","ethusdt@kline_1m"],"id":3}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":3}"""));
    }

    [Fact]
    public async Task Interval_case_is_preserved_and_uppercase_symbols_are_invalid()
    {
        var (simulator, client) = await ConnectAsync();
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        Assert.Equal("""{"result":null,"id":1}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1M","btcusdt@kline_1m"],"id":1}"""));
        AssertError(await client.RequestAsync("""{"method":"SUBSCRIBE","params":["BTCUSDT@kline_1m"],"id":2}"""), 2, "2");
        AssertError(await client.RequestAsync("""{"method":"SUBSCRIBE","params":["ethusdt@kline_1m",5],"id":3}"""), 2, "3");

        // 1M (a month) and 1m (a minute) are two distinct streams.
        Assert.Equal("""{"result":["btcusdt@kline_1M","btcusdt@kline_1m"],"id":4}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":4}"""));
        var month = Candles.Make("BTCUSDT", "1M", 1);
        await simulator.PublishAsync(month);
        var message = await client.ReceiveAsync();
        Assert.Equal(month.ToRawJson(), message.Text);
        Assert.Equal("1M", message.Json.GetProperty("k").GetProperty("i").GetString());
    }

    [Fact]
    public async Task Unsubscribing_frees_room_under_the_stream_limit_for_url_streams_too()
    {
        var (simulator, client) = await ConnectAsync("/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m", maxStreams: 2);
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;
        AssertError(await client.RequestAsync("""{"method":"SUBSCRIBE","params":["bnbusdt@kline_1m"],"id":1}"""), 4, "1");

        // The streams named in the URL count like subscribed ones, and leaving one makes room.
        Assert.Equal("""{"result":null,"id":2}""", await client.RequestAsync("""{"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":2}"""));
        Assert.Equal("""{"result":null,"id":3}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["bnbusdt@kline_1m"],"id":3}"""));

        Assert.Equal("""{"result":["bnbusdt@kline_1m","ethusdt@kline_1m"],"id":4}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":4}"""));
        Assert.Equal(1, simulator.StreamLimitViolations);
    }

    [Fact]
    public async Task After_unsubscribe_no_update_of_that_stream_arrives_while_the_others_continue()
    {
        var (simulator, client) = await ConnectAsync("/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m");
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;
        await simulator.WaitForSubscribedStreamsAsync(2, RawWebSocketClient.Timeout);

        Assert.Equal("""{"result":null,"id":1}""", await client.RequestAsync("""{"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":1}"""));
        await simulator.PublishAsync(Candles.Make("BTCUSDT", "1m", 1));
        var eth = Candles.Make("ETHUSDT", "1m", 1);
        await simulator.PublishAsync(eth);

        // Published first, the btc update would have come first: the next message is eth's.
        Assert.Equal(eth.ToCombinedJson(), await client.ReceiveTextAsync());
        Assert.False(simulator.SentUpdates.ContainsKey("btcusdt@kline_1m"));
        Assert.Equal(["ethusdt@kline_1m"], simulator.SubscribedStreams);
    }

    [Fact]
    public async Task Unsubscribe_takes_lowercase_names_and_a_stream_not_held_is_acknowledged()
    {
        var (simulator, client) = await ConnectAsync("/ws/btcusdt@kline_1m");
        await using var ownedSimulator = simulator;
        await using var ownedClient = client;

        AssertError(await client.RequestAsync("""{"method":"UNSUBSCRIBE","params":["BTCUSDT@kline_1m"],"id":1}"""), 2, "1");
        AssertError(await client.RequestAsync("""{"method":"UNSUBSCRIBE","id":2}"""), 2, "2");
        Assert.Equal("""{"result":null,"id":3}""", await client.RequestAsync("""{"method":"UNSUBSCRIBE","params":["ethusdt@kline_1m"],"id":3}"""));

        Assert.Equal("""{"result":["btcusdt@kline_1m"],"id":4}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":4}"""));
    }
}
