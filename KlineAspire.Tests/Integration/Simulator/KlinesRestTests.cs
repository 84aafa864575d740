using System.Net;
using System.Text.Json;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>
/// <c>GET /api/v3/klines</c> answered from what the simulator published: Binance's row format with the very strings the
/// WebSocket carried, its selection by startTime/endTime/limit, and its errors.
/// </summary>
public class KlinesRestTests
{
    private const long Minute = 60_000;

    /// <summary>The REST row Binance gives for the candle in a WebSocket kline payload's <c>k</c> object.</summary>
    private static string RowOf(JsonElement k) =>
        $$"""[{{k.GetProperty("t").GetInt64()}},"{{k.GetProperty("o").GetString()}}","{{k.GetProperty("h").GetString()}}","{{k.GetProperty("l").GetString()}}","{{k.GetProperty("c").GetString()}}","{{k.GetProperty("v").GetString()}}",{{k.GetProperty("T").GetInt64()}},"{{k.GetProperty("q").GetString()}}",{{k.GetProperty("n").GetInt64()}},"{{k.GetProperty("V").GetString()}}","{{k.GetProperty("Q").GetString()}}","0"]""";

    private static string RowOf(KlineCandle candle) => RowOf(JsonDocument.Parse(candle.ToRawJson()).RootElement.GetProperty("k"));

    private static async Task<List<string>> RowsAsync(HttpClient http, string query)
    {
        var reply = await http.GetRestAsync("/api/v3/klines?" + query);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Json.EnumerateArray().Select(row => row.GetRawText()).ToList();
    }

    private static async Task<List<KlineCandle>> PublishMinutesAsync(BinanceSimulator simulator, int closed)
    {
        var candles = Enumerable.Range(0, closed + 1)
            .Select(i => Candles.Make("BTCUSDT", "1m", i + 1, closed: i < closed, openTime: Candles.BaseOpenTime + i * Minute))
            .ToList();
        foreach (var candle in candles)
        {
            await simulator.PublishAsync(candle);
        }

        return candles;
    }

    [Fact]
    public async Task Rows_repeat_the_closing_candles_the_websocket_sent_string_for_string()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.UpdatePeriod = TimeSpan.FromMilliseconds(100));
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws/btcusdt@kline_1s");
        var closing = new List<JsonElement>();
        while (closing.Count < 2)
        {
            var k = (await client.ReceiveAsync()).Json.GetProperty("k");
            if (k.GetProperty("x").GetBoolean())
            {
                closing.Add(k);
            }
        }

        await simulator.PauseFeedAsync();
        var rows = await RowsAsync(http, "symbol=BTCUSDT&interval=1s");

        Assert.All(closing, k => Assert.Contains(RowOf(k), rows));
        Assert.Equal(RowOf(simulator.LastSent["btcusdt@kline_1s"]), rows[^1]);
        var openTimes = rows.Select(row => JsonDocument.Parse(row).RootElement[0].GetInt64()).ToList();
        Assert.Equal(openTimes.Order(), openTimes);
        Assert.Equal(openTimes.Count, openTimes.Distinct().Count());
    }

    [Fact]
    public async Task Start_end_and_limit_select_as_binance_does()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        using var http = SimulatorHttp.Client(simulator);
        var candles = await PublishMinutesAsync(simulator, closed: 5);
        var rows = candles.Select(RowOf).ToList();
        long T(int i) => Candles.BaseOpenTime + i * Minute;

        Assert.Equal(rows, await RowsAsync(http, "symbol=BTCUSDT&interval=1m"));
        Assert.Equal(rows[4..], await RowsAsync(http, "symbol=BTCUSDT&interval=1m&limit=2"));
        Assert.Equal(rows[1..3], await RowsAsync(http, $"symbol=BTCUSDT&interval=1m&startTime={T(1)}&limit=2"));
        Assert.Equal(rows[..3], await RowsAsync(http, $"symbol=BTCUSDT&interval=1m&endTime={T(2)}"));
        Assert.Equal(rows[1..4], await RowsAsync(http, $"symbol=BTCUSDT&interval=1m&startTime={T(1)}&endTime={T(3)}"));
        Assert.Equal(rows[2..], await RowsAsync(http, $"symbol=BTCUSDT&interval=1m&startTime={T(1) + 1}"));
        // Above 1000 Binance serves 1000 rows rather than refusing.
        Assert.Equal(rows, await RowsAsync(http, "symbol=BTCUSDT&interval=1m&limit=5000"));
        Assert.Empty(await RowsAsync(http, "symbol=BTCUSDT&interval=1M"));
        Assert.Empty(await RowsAsync(http, "symbol=ETHUSDT&interval=1m"));
    }

    [Fact]
    public async Task History_keeps_a_bounded_number_of_closed_candles_plus_the_forming_one()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.KlineHistoryLength = 3);
        using var http = SimulatorHttp.Client(simulator);
        var candles = await PublishMinutesAsync(simulator, closed: 5);

        Assert.Equal(candles[2..].Select(RowOf), await RowsAsync(http, "symbol=BTCUSDT&interval=1m"));
    }

    [Fact]
    public async Task Utc8_streams_stay_out_of_rest()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        using var http = SimulatorHttp.Client(simulator);
        var utc = Candles.Make("BTCUSDT", "1d", 1, openTime: Candles.BaseOpenTime);

        await simulator.PublishAsync(utc);
        await simulator.PublishAsync(
            Candles.Make("BTCUSDT", "1d", 2, openTime: Candles.BaseOpenTime - 8 * 3_600_000) with { TimeZoneSuffix = StreamNames.Utc8Suffix });

        Assert.Equal([RowOf(utc)], await RowsAsync(http, "symbol=BTCUSDT&interval=1d"));
    }

    [Theory]
    [InlineData("interval=1m", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")]
    [InlineData("symbol=BTCUSDT", -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.")]
    [InlineData("symbol=ETHUSDT&interval=1m", -1121, "Invalid symbol.")]
    [InlineData("symbol=btcusdt&interval=1m", -1121, "Invalid symbol.")]
    [InlineData("symbol=BTCUSDT&interval=2m", -1120, "Invalid interval.")]
    [InlineData("symbol=BTCUSDT&interval=1W", -1120, "Invalid interval.")]
    [InlineData("symbol=BTCUSDT&interval=1m&limit=0", -1130, "Data sent for parameter 'limit' is not valid.")]
    [InlineData("symbol=BTCUSDT&interval=1m&startTime=soon", -1100, "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'.")]
    public async Task Bad_requests_get_http_400_and_binance_errors(string query, int code, string message)
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.Symbols = ["BTCUSDT"]);
        using var http = SimulatorHttp.Client(simulator);

        var reply = await http.GetRestAsync("/api/v3/klines?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal((code, message), reply.Error);
    }
}
