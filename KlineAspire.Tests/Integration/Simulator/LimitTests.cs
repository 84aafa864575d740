using System.Net;
using System.Net.WebSockets;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>Binance's connection limits: 5 messages/s, streams per connection, handshake budget and the lifetime cut.</summary>
public class LimitTests
{
    private static string List(int id) => $$"""{"method":"LIST_SUBSCRIPTIONS","id":{{id}}}""";

    [Theory]
    [InlineData("""{"method":"LIST_SUBSCRIPTIONS","id":ID}""", """{"result":[],"id":ID}""")]
    [InlineData("""{"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":ID}""", """{"result":null,"id":ID}""")]
    public async Task More_than_five_messages_within_a_second_close_the_connection_with_1008(string request, string answer)
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");

        for (var id = 1; id <= 6; id++)
        {
            await client.SendAsync(request.Replace("ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        // The first five are answered; the sixth is not processed.
        for (var id = 1; id <= 5; id++)
        {
            Assert.Equal(answer.Replace("ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                await client.ReceiveTextAsync());
        }

        var ending = await client.WaitForEndingAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ending.Status);
        Assert.Equal("Too many requests", ending.Description);
        Assert.Equal(1, simulator.RateLimitViolations);
        Assert.Equal(6, simulator.MaxObservedIncomingMessagesPerSecond);
        await SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections == 0, "the connection is gone");
    }

    [Fact]
    public async Task Exactly_five_messages_per_second_are_allowed()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");

        var id = 0;
        for (var second = 0; second < 3; second++)
        {
            if (second > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1100), TestContext.Current.CancellationToken);
            }

            for (var i = 0; i < 5; i++)
            {
                await client.SendAsync(List(++id));
            }

            for (var expected = id - 4; expected <= id; expected++)
            {
                Assert.Equal($$"""{"result":[],"id":{{expected}}}""", await client.ReceiveTextAsync());
            }
        }

        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Equal(5, simulator.MaxObservedIncomingMessagesPerSecond);
        Assert.Equal(1, simulator.OpenConnections);
        Assert.Equal(15, simulator.Connections[0].MessagesReceived);
        Assert.False(client.Ending.IsCompleted);
    }

    [Fact]
    public async Task Subscribing_beyond_the_stream_limit_is_error_4_and_counted()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.MaxStreamsPerConnection = 3);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=a@kline_1m/b@kline_1m");

        Assert.Equal("""{"result":null,"id":1}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["c@kline_1m"],"id":1}"""));
        var refused = await client.RequestAsync("""{"method":"SUBSCRIBE","params":["d@kline_1m"],"id":2}""");

        Assert.Equal("""{"error":{"code":4,"msg":"Too many subscriptions"},"id":2}""", refused);
        Assert.Equal(1, simulator.StreamLimitViolations);
        Assert.Equal(3, simulator.SubscribedStreams.Count);
    }

    [Fact]
    public async Task A_url_with_more_streams_than_allowed_is_refused_and_exactly_the_limit_is_accepted()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.MaxStreamsPerConnection = 3);

        Assert.Equal(HttpStatusCode.BadRequest,
            await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/stream?streams=a@kline_1m/b@kline_1m/c@kline_1m/d@kline_1m"));
        Assert.Equal(HttpStatusCode.BadRequest,
            await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/ws/a@kline_1m/b@kline_1m/c@kline_1m/d@kline_1m"));
        Assert.Equal(2, simulator.StreamLimitViolations);
        Assert.Equal(0, simulator.OpenConnections);

        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=a@kline_1m/b@kline_1m/c@kline_1m");
        Assert.Equal("""{"result":["a@kline_1m","b@kline_1m","c@kline_1m"],"id":1}""", await client.RequestAsync(List(1)));
    }

    [Fact]
    public async Task Handshakes_beyond_the_attempt_budget_get_429_until_the_window_slides()
    {
        // Binance's five-minute window on a fake clock: the budget is a matter of the simulator's time, so however slow
        // the handshakes are, the window slides exactly when the test moves the clock.
        var window = TimeSpan.FromMinutes(5);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.MaxConnectionAttempts = 3;
            o.ConnectionAttemptWindow = window;
        }, time);

        var clients = new List<RawWebSocketClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                clients.Add(await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws"));
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/ws"));
            // Closing connections gives nothing back: the budget counts attempts, not open sockets.
            await clients[0].DisposeAsync();
            Assert.Equal(HttpStatusCode.TooManyRequests,
                await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/stream?streams=btcusdt@kline_1m"));
            Assert.Equal(5, simulator.ConnectionAttempts);
            Assert.Equal(2, simulator.RefusedConnectionAttempts);

            // Just before the window has slid past the first three, the budget is still spent; at its end, it is free.
            time.Advance(window - TimeSpan.FromMilliseconds(1));
            Assert.Equal(HttpStatusCode.TooManyRequests, await RawWebSocketClient.ConnectExpectingRefusalAsync(simulator.WebSocketBaseUri, "/ws"));
            Assert.Equal(3, simulator.RefusedConnectionAttempts);
            time.Advance(TimeSpan.FromMilliseconds(1));
            clients.Add(await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws"));
            Assert.Equal(3, simulator.RefusedConnectionAttempts);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_connection_is_cut_at_its_maximum_lifetime_and_not_before()
    {
        // Binance's 24 hours, on a fake clock: the cut is a matter of the simulator's time, not the test's.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await SimulatorHost.StartAsync(time: time);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m");
        // Answered: the connection is being served, so its lifetime is running.
        Assert.Equal("""{"result":["btcusdt@kline_1m"],"id":1}""", await client.RequestAsync(List(1)));

        time.Advance(simulator.Options.MaxConnectionLifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal("""{"result":["btcusdt@kline_1m"],"id":2}""", await client.RequestAsync(List(2)));
        Assert.False(client.Ending.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var ending = await client.WaitForEndingAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, ending.Status);
        Assert.Equal("Connection lifetime reached", ending.Description);
        await SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections == 0, "the server forgets the connection");
        Assert.Equal(0, simulator.RateLimitViolations);
    }
}
