using System.Diagnostics;
using System.Text;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>Binance pings every interval and drops a connection whose pong (echoing the payload) is late.</summary>
public class KeepAliveTests
{
    // Pings come often, so every test spans many of them; the pong deadline is longer than a thread-pool stall of a
    // loaded 2-core machine, so a client that answers is never dropped by accident.
    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PongTimeout = TimeSpan.FromSeconds(2);

    private static Task<BinanceSimulator> StartAsync() =>
        SimulatorHost.StartAsync(o =>
        {
            o.PingInterval = PingInterval;
            o.PongTimeout = PongTimeout;
        });

    [Fact]
    public async Task A_client_that_never_receives_does_not_answer_pings_and_is_dropped()
    {
        await using var simulator = await StartAsync();
        // From before the connection exists: however late this test runs, the server cannot have accepted it earlier.
        var watch = Stopwatch.StartNew();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m", receive: false,
            o => o.KeepAliveInterval = TimeSpan.Zero);
        await simulator.WaitForConnectionsAsync(1, RawWebSocketClient.Timeout);

        await SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections == 0, "the silent client is dropped", PongTimeout * 20);

        // Not before a ping went unanswered for the pong timeout.
        Assert.True(watch.Elapsed >= PongTimeout, $"dropped after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_client_that_keeps_receiving_stays_connected_past_several_ping_intervals()
    {
        await using var simulator = await StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1m",
            configure: o => o.KeepAliveInterval = TimeSpan.Zero);
        await simulator.WaitForConnectionsAsync(1, RawWebSocketClient.Timeout);

        // Twenty ping intervals, more than two pong timeouts.
        await client.ExpectSilenceAsync(PongTimeout * 2.5);

        Assert.Equal(1, simulator.OpenConnections);
        Assert.Equal("""{"result":["btcusdt@kline_1m"],"id":1}""", await client.RequestAsync("""{"method":"LIST_SUBSCRIPTIONS","id":1}"""));
        Assert.False(client.Ending.IsCompleted);
    }

    [Fact]
    public async Task Ping_frames_arrive_every_interval_and_pongs_echoing_the_payload_keep_the_connection()
    {
        await using var simulator = await StartAsync();
        await using var client = await FrameLevelClient.ConnectAsync(simulator.HttpBaseUri, "/ws/btcusdt@kline_1m");
        await simulator.WaitForConnectionsAsync(1, RawWebSocketClient.Timeout);

        // Over two pong timeouts (sixteen ping intervals), count the pings and answer each one.
        var intervals = (int)(2 * PongTimeout / PingInterval);
        var pings = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < PingInterval * intervals)
        {
            var frame = await client.ReadFrameAsync(RawWebSocketClient.Timeout);
            Assert.NotNull(frame);
            Assert.Equal(FrameLevelClient.Ping, frame.Value.Opcode);
            pings++;
            await client.SendFrameAsync(FrameLevelClient.Pong, frame.Value.Payload);
        }

        // About one ping per interval. The bounds are on the count, from the configuration: a loaded machine may
        // delay pings (fewer in the window), but the server never pings at twice its interval.
        Assert.InRange(pings, intervals / 3, intervals * 2);
        Assert.Equal(1, simulator.OpenConnections);
    }

    [Fact]
    public async Task Pongs_that_do_not_echo_the_ping_payload_do_not_keep_the_connection_alive()
    {
        await using var simulator = await StartAsync();
        await using var client = await FrameLevelClient.ConnectAsync(simulator.HttpBaseUri, "/ws/btcusdt@kline_1m");
        await simulator.WaitForConnectionsAsync(1, RawWebSocketClient.Timeout);

        // The first unanswered ping is dropped a pong timeout later, i.e. after a few more pings; far more means alive.
        var mostPingsBeforeTheDrop = 3 * (int)(PongTimeout / PingInterval) + 1;
        var pingsSeen = 0;
        while (true)
        {
            var frame = await client.ReadFrameAsync(RawWebSocketClient.Timeout);
            if (frame is null || frame.Value.Opcode == FrameLevelClient.Close)
            {
                break;
            }

            pingsSeen++;
            Assert.True(pingsSeen <= mostPingsBeforeTheDrop, $"still connected after {pingsSeen} wrongly answered pings");
            // An unsolicited-style pong: wrong payload.
            await client.SendFrameAsync(FrameLevelClient.Pong, Encoding.ASCII.GetBytes("not-your-payload"));
        }

        Assert.True(pingsSeen >= 1);
        await SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections == 0, "the server forgets the connection");
    }
}
