using System.Globalization;
using System.Net;
using System.Text.Json;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>
/// The simulator has a past: <c>GET /api/v3/klines</c> serves closed candles from before its start, the same in every run
/// with the same seed, and the live candles continue them.
/// </summary>
public class KlinePastTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 17, 23, TimeSpan.Zero);

    private sealed record Row(long OpenTime, decimal Open, decimal High, decimal Low, decimal Close, decimal Volume, long CloseTime, decimal Quote, long Trades);

    private static Row Parse(JsonElement row)
    {
        static decimal D(JsonElement e) => decimal.Parse(e.GetString()!, CultureInfo.InvariantCulture);
        return new Row(row[0].GetInt64(), D(row[1]), D(row[2]), D(row[3]), D(row[4]), D(row[5]), row[6].GetInt64(), D(row[7]), row[8].GetInt64());
    }

    private static async Task<(string Body, List<Row> Rows)> KlinesAsync(HttpClient http, string query)
    {
        var reply = await http.GetRestAsync("/api/v3/klines?" + query);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return (reply.Body, reply.Json.EnumerateArray().Select(Parse).ToList());
    }

    [Fact]
    public async Task The_past_is_the_same_in_every_run_and_ends_before_the_start()
    {
        string? first = null;
        foreach (var run in new[] { 1, 2 })
        {
            await using var simulator = await SimulatorHost.StartAsync(o => o.UpdatePeriod = TimeSpan.FromSeconds(2), new FakeTimeProvider(Start));
            using var http = SimulatorHttp.Client(simulator);

            var (body, rows) = await KlinesAsync(http, "symbol=ETHUSDT&interval=1h&limit=1000");

            Assert.Equal(1000, rows.Count);
            var hour = 3_600_000L;
            var startHour = Start.ToUnixTimeMilliseconds() / hour * hour;
            Assert.Equal(startHour - hour, rows[^1].OpenTime);
            Assert.All(rows.Zip(rows.Skip(1)), pair =>
            {
                Assert.Equal(pair.First.OpenTime + hour, pair.Second.OpenTime);
                Assert.Equal(pair.First.Close, pair.Second.Open);
            });
            Assert.All(rows, r =>
            {
                Assert.Equal(r.OpenTime + hour - 1, r.CloseTime);
                Assert.True(r.Low <= Math.Min(r.Open, r.Close) && r.High >= Math.Max(r.Open, r.Close) && r.Low > 0, $"{r} has Binance's price order");
                Assert.True(r.Trades > 0 && r.Volume > 0 && r.Quote > 0, $"{r} traded");
            });
            // The walk starts ETHUSDT at 3,050: the past ends there.
            Assert.Equal(3_050m, rows[^1].Close);
            first ??= body;
            Assert.Equal(first, body);
        }
    }

    [Fact]
    public async Task Other_seeds_have_other_pasts_and_the_feed_off_has_none()
    {
        await using var seeded = await SimulatorHost.StartAsync(o => (o.UpdatePeriod, o.Seed) = (TimeSpan.FromSeconds(2), 7), new FakeTimeProvider(Start));
        await using var other = await SimulatorHost.StartAsync(o => (o.UpdatePeriod, o.Seed) = (TimeSpan.FromSeconds(2), 8), new FakeTimeProvider(Start));
        await using var off = await SimulatorHost.StartAsync(time: new FakeTimeProvider(Start));
        const string Query = "symbol=BTCUSDT&interval=1m&limit=5";

        var (seededBody, seededRows) = await KlinesAsync(SimulatorHttp.Client(seeded), Query);
        var (otherBody, _) = await KlinesAsync(SimulatorHttp.Client(other), Query);

        Assert.Equal(5, seededRows.Count);
        Assert.NotEqual(seededBody, otherBody);
        Assert.Empty((await KlinesAsync(SimulatorHttp.Client(off), Query)).Rows);
    }

    [Fact]
    public async Task Live_candles_continue_the_past()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => (o.UpdatePeriod, o.FinalUpdateDelay) = (TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)));
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/bnbusdt@kline_1s");
        JsonElement? firstLive = null;
        var closed = new List<JsonElement>();
        while (closed.Count < 2)
        {
            var k = (await client.ReceiveAsync()).Json.GetProperty("k");
            firstLive ??= k;
            if (k.GetProperty("x").GetBoolean())
            {
                closed.Add(k);
            }
        }

        await simulator.PauseFeedAsync();
        var (_, rows) = await KlinesAsync(http, "symbol=BNBUSDT&interval=1s&limit=1000");

        var liveFrom = firstLive!.Value.GetProperty("t").GetInt64();
        var past = rows.TakeWhile(r => r.OpenTime < liveFrom).ToList();
        var live = rows.Skip(past.Count).ToList();
        Assert.True(past.Count >= 900, $"the past fills the rows before the live candles ({past.Count})");
        // Contiguous up to the first live candle, which opens at the last close before it.
        Assert.All(past.Zip(past.Skip(1)).Append((past[^1], live[0])), pair => Assert.Equal(pair.Item1.OpenTime + 1_000, pair.Item2.OpenTime));
        Assert.Equal(past[^1].Close, live[0].Open);
        Assert.Equal(decimal.Parse(firstLive.Value.GetProperty("o").GetString()!, CultureInfo.InvariantCulture), live[0].Open);
        // REST rows of live candles are the finals the WebSocket sent.
        Assert.All(closed, k => Assert.Contains(rows, r => r.OpenTime == k.GetProperty("t").GetInt64()
            && r.Close == decimal.Parse(k.GetProperty("c").GetString()!, CultureInfo.InvariantCulture)
            && r.Trades == k.GetProperty("n").GetInt64()));
    }
}
