using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>
/// Quiet markets: Binance pushes a kline only when something changed, so a small pair is silent on a healthy
/// connection. A quiet stream gets one update after subscribing and then none; the connection lives on regardless.
/// </summary>
public class SimulatorQuietMarketTests
{
    private static readonly TimeSpan UpdatePeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_quiet_stream_gets_one_update_then_nothing_while_a_liquid_stream_pings_and_replies_carry_on()
    {
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.UpdatePeriod = UpdatePeriod;
            o.PingInterval = PingInterval;
            o.QuietSymbols = ["XRPUSDT"];
        });
        await using var client = await FrameLevelClient.ConnectAsync(simulator.HttpBaseUri, "/stream?streams=xrpusdt@kline_1m/btcusdt@kline_1m");

        var updates = new Dictionary<string, int>(StringComparer.Ordinal);
        var pings = 0;
        string? listReply = null;
        var listSent = false;
        // Fifteen update periods: the liquid stream moves every one of them, the quiet one only once.
        var window = UpdatePeriod * 15;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < window || listReply is null)
        {
            var frame = await client.ReadFrameAsync(RawWebSocketClient.Timeout);
            Assert.NotNull(frame);
            if (frame.Value.Opcode == FrameLevelClient.Ping)
            {
                pings++;
                await client.SendFrameAsync(FrameLevelClient.Pong, frame.Value.Payload);
                if (!listSent)
                {
                    // A control request mid-stream is answered as usual.
                    await client.SendFrameAsync(FrameLevelClient.Text, Encoding.UTF8.GetBytes("""{"method":"LIST_SUBSCRIPTIONS","id":7}"""));
                    listSent = true;
                }

                continue;
            }

            Assert.Equal(FrameLevelClient.Text, frame.Value.Opcode);
            using var message = JsonDocument.Parse(frame.Value.Payload);
            if (message.RootElement.TryGetProperty("stream", out var stream))
            {
                updates[stream.GetString()!] = updates.GetValueOrDefault(stream.GetString()!) + 1;
            }
            else
            {
                listReply = message.RootElement.GetRawText();
            }
        }

        Assert.Equal(1, updates.GetValueOrDefault("xrpusdt@kline_1m"));
        Assert.True(updates.GetValueOrDefault("btcusdt@kline_1m") >= 5, $"{updates.GetValueOrDefault("btcusdt@kline_1m")} liquid updates");
        Assert.True(pings >= 2, $"{pings} pings");
        Assert.Equal("""{"result":["btcusdt@kline_1m","xrpusdt@kline_1m"],"id":7}""", listReply);
        Assert.Equal(1, simulator.SentUpdates["xrpusdt@kline_1m"]);
        Assert.Equal(1, simulator.OpenConnections);
    }

    [Fact]
    public async Task Quiet_streams_switch_at_run_time_and_each_subscription_gets_its_one_update()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.UpdatePeriod = UpdatePeriod);
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=ethusdt@kline_1m/btcusdt@kline_1m");
        await client.ReceiveUntilAsync(m => FeedChanges.StreamOf(m) == "ethusdt@kline_1m");

        var resumedAt = await FeedChanges.ChangeWhilePausedAsync(simulator, async () =>
        {
            using var set = await http.PostJsonAsync("/api/feed/quiet", new QuietSelection(Symbols: [], Streams: ["ethusdt@kline_1m"]));
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        });
        var quiet = await http.GetJsonAsync<QuietSelection>("/api/feed/quiet");
        Assert.Equal(["ethusdt@kline_1m"], quiet.Streams);
        Assert.Empty(quiet.Symbols!);

        // The subscription had no quiet update yet, so it gets exactly one, then silence while btc moves on.
        var afterSwitch = await FeedChanges.CollectSinceAsync(client, resumedAt, UpdatePeriod * 15);
        Assert.Equal(1, afterSwitch.Count(m => FeedChanges.StreamOf(m) == "ethusdt@kline_1m"));
        Assert.True(afterSwitch.Count(m => FeedChanges.StreamOf(m) == "btcusdt@kline_1m") >= 5);

        // A new subscription is a new client view of the market: one update again.
        var resubscribedAt = await FeedChanges.ChangeWhilePausedAsync(simulator, async () =>
        {
            await client.SendAsync("""{"method":"UNSUBSCRIBE","params":["ethusdt@kline_1m"],"id":1}""");
            await client.SendAsync("""{"method":"SUBSCRIBE","params":["ethusdt@kline_1m"],"id":2}""");
            await client.ReceiveUntilAsync(m => m.Text == """{"result":null,"id":2}""");
        });
        var afterResubscribe = await FeedChanges.CollectSinceAsync(client, resubscribedAt, UpdatePeriod * 10);
        Assert.Equal(1, afterResubscribe.Count(m => FeedChanges.StreamOf(m) == "ethusdt@kline_1m"));

        using var clear = await http.PostJsonAsync("/api/feed/quiet", new QuietSelection([], []));
        clear.EnsureSuccessStatusCode();
        var liquidAgain = await client.CollectAsync(UpdatePeriod * 10);
        Assert.True(liquidAgain.Count(m => FeedChanges.StreamOf(m) == "ethusdt@kline_1m") >= 3);
    }
}
