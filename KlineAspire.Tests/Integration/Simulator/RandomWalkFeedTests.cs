using System.Globalization;
using System.Text.Json;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>The random-walk feed produces candles with Binance's invariants.</summary>
public class RandomWalkFeedTests
{
    private sealed record Update(string Stream, long EventTime, long OpenTime, long CloseTime, string Interval, long First, long Last,
        decimal Open, decimal Close, decimal High, decimal Low, decimal Volume, long Trades, bool Closed, decimal Quote, decimal TakerBase, decimal TakerQuote);

    private static decimal Price(JsonElement k, string field)
    {
        var text = k.GetProperty(field).GetString()!;
        Assert.Matches(@"^\d+\.\d{8}$", text);
        return decimal.Parse(text, CultureInfo.InvariantCulture);
    }

    private static Update Parse(ReceivedMessage message)
    {
        var root = message.Json;
        var data = root.GetProperty("data");
        var k = data.GetProperty("k");
        Assert.Equal("kline", data.GetProperty("e").GetString());
        Assert.Equal(data.GetProperty("s").GetString(), k.GetProperty("s").GetString());
        return new Update(root.GetProperty("stream").GetString()!, data.GetProperty("E").GetInt64(),
            k.GetProperty("t").GetInt64(), k.GetProperty("T").GetInt64(),
            k.GetProperty("i").GetString()!, k.GetProperty("f").GetInt64(), k.GetProperty("L").GetInt64(),
            Price(k, "o"), Price(k, "c"), Price(k, "h"), Price(k, "l"), Price(k, "v"), k.GetProperty("n").GetInt64(), k.GetProperty("x").GetBoolean(),
            Price(k, "q"), Price(k, "V"), Price(k, "Q"));
    }

    [Fact]
    public async Task Subscribed_streams_receive_candles_with_binance_invariants()
    {
        // A final update 200 ms after the close leaves each 1s candle most of its second to be pushed while it forms.
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.UpdatePeriod = TimeSpan.FromMilliseconds(100);
            o.FinalUpdateDelay = TimeSpan.FromMilliseconds(200);
        });
        string[] streams = ["btcusdt@kline_1s", "btcusdt@kline_1m", "ethusdt@kline_1s", "xrpusdt@kline_1M"];
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=" + string.Join('/', streams));

        var messages = await client.CollectAsync(TimeSpan.FromMilliseconds(1800));
        var updates = messages.Select(Parse).ToList();

        Assert.All(streams, s => Assert.True(updates.Count(u => u.Stream == s) >= 8, $"{s}: {updates.Count(u => u.Stream == s)} updates"));
        foreach (var u in updates)
        {
            Assert.Equal(u.Stream[(u.Stream.IndexOf('_') + 1)..], u.Interval);
            var calendar = KlineCalendar.Parse(u.Interval);
            var open = calendar.OpenTimeAt(u.EventTime);
            if (!u.Closed)
            {
                Assert.Equal(open, u.OpenTime);
            }

            Assert.Equal((calendar.OpenTimeAt(u.OpenTime), calendar.CloseTime(u.OpenTime)), (u.OpenTime, u.CloseTime));
            Assert.True(u.OpenTime <= u.EventTime && (u.Closed || u.EventTime <= u.CloseTime),
                $"event time {u.EventTime} outside the candle {u.OpenTime}..{u.CloseTime}");
            // The final update comes a moment after the close, never before it.
            Assert.True(!u.Closed || u.EventTime >= u.CloseTime + 1 + 200, $"final update at {u.EventTime}, before 200 ms after the close {u.CloseTime}");
            Assert.True(u.High >= Math.Max(u.Open, u.Close), $"high {u.High} below open/close in {u}");
            Assert.True(u.Low <= Math.Min(u.Open, u.Close), $"low {u.Low} above open/close in {u}");
            Assert.True(u.Low > 0);
            Assert.True(u.Volume >= 0 && u.Quote >= 0 && u.TakerBase >= 0 && u.TakerQuote >= 0, u.ToString());
            Assert.True(u.TakerBase <= u.Volume && u.TakerQuote <= u.Quote, u.ToString());
            Assert.True(u.Trades >= 0);
            if (u.Trades == 0)
            {
                Assert.Equal((-1L, -1L), (u.First, u.Last));
                Assert.Equal(0m, u.Volume);
            }
            else
            {
                Assert.Equal(u.Trades, u.Last - u.First + 1);
            }
        }

        // Event times never go backwards on the connection; within one candle they strictly increase.
        Assert.True(updates.Zip(updates.Skip(1)).All(p => p.First.EventTime <= p.Second.EventTime), "event times increase");
        foreach (var stream in updates.GroupBy(u => u.Stream))
        {
            var list = stream.ToList();
            foreach (var (previous, next) in list.Zip(list.Skip(1)))
            {
                if (next.OpenTime == previous.OpenTime)
                {
                    Assert.False(previous.Closed, $"an update after the closing one in {stream.Key}");
                    Assert.True(next.EventTime > previous.EventTime);
                    Assert.Equal(previous.Open, next.Open);
                    Assert.True(next.High >= previous.High && next.Low <= previous.Low && next.Volume >= previous.Volume && next.Trades >= previous.Trades);
                    Assert.True(previous.First < 0 || next.First == previous.First);
                    // The trades between the candle's last push and its close reach clients only in its final update.
                    Assert.True(!next.Closed || next.Trades > previous.Trades,
                        $"{stream.Key}: the final update of {next.OpenTime} carries no trade the last push had not");
                }
                else
                {
                    // A new candle: the previous one was closed by its final update, sent before the new candle's first.
                    Assert.True(previous.Closed, $"{stream.Key}: candle {previous.OpenTime} replaced without a closing update");
                    Assert.Equal(previous.CloseTime + 1, next.OpenTime);
                    Assert.True(previous.Last < 0 || next.First < 0 || next.First > previous.Last, "trade ids continue across candles");
                }
            }
        }

        // 1s candles roll over within the sampling window.
        Assert.Contains(updates, u => u.Stream == "btcusdt@kline_1s" && u.Closed);
    }

    [Fact]
    public async Task Utc8_streams_get_their_own_updates_with_days_opening_at_utc8_midnight()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.UpdatePeriod = TimeSpan.FromMilliseconds(100));
        string[] streams = ["btcusdt@kline_1d@+08:00", "btcusdt@kline_1d"];
        // '+' must be percent-encoded in a query string, where a literal '+' means a space.
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri,
            "/stream?streams=" + Uri.EscapeDataString(string.Join('/', streams)));

        var updates = (await client.CollectAsync(TimeSpan.FromMilliseconds(700))).Select(Parse).ToList();

        var utc8 = updates.Where(u => u.Stream == streams[0]).ToList();
        var utc = updates.Where(u => u.Stream == streams[1]).ToList();
        Assert.True(utc8.Count >= 3, $"{utc8.Count} updates on {streams[0]}");
        Assert.True(utc.Count >= 3, $"{utc.Count} updates on {streams[1]}");
        const long Day = 86_400_000, EightHours = 28_800_000;
        Assert.All(utc8, u =>
        {
            Assert.Equal("1d", u.Interval);
            Assert.Equal(0, (u.OpenTime + EightHours) % Day);
            Assert.Equal(u.OpenTime + Day - 1, u.CloseTime);
            Assert.InRange(u.EventTime, u.OpenTime, u.CloseTime);
        });
        Assert.All(utc, u => Assert.Equal(0, u.OpenTime % Day));
    }

    [Fact]
    public void Utc8_stream_names_parse_to_the_bare_interval_and_a_flag()
    {
        // Boundaries of every interval, UTC and UTC+8, are the calendar's (KlineCalendarTests): the simulator compiles the same file.
        Assert.True(StreamNames.TryParseKline("btcusdt@kline_1d@+08:00", out var symbol, out var interval, out var isUtc8));
        Assert.Equal(("BTCUSDT", "1d", true), (symbol, interval, isUtc8));
        Assert.True(StreamNames.IsKnownInterval("1M"));
        Assert.True(StreamNames.IsKnownInterval("1m"));
        Assert.False(StreamNames.IsKnownInterval("1W"));
        Assert.False(StreamNames.IsKnownInterval("1d@+08:00"));
    }
}
