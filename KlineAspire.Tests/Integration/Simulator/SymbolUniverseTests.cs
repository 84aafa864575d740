using System.Net;
using System.Text.Json;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>
/// <c>GET /api/v3/exchangeInfo</c> and the symbol universe behind it: only <c>TRADING</c> symbols stream; a SUBSCRIBE
/// to anything else is acknowledged and then nothing arrives; listings change at run time.
/// </summary>
public class SymbolUniverseTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 15, 30, TimeSpan.Zero);

    private static async Task<JsonElement> ExchangeInfoAsync(HttpClient http)
    {
        var reply = await http.GetRestAsync("/api/v3/exchangeInfo");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Json;
    }

    private static List<string> SymbolsOf(JsonElement exchangeInfo) =>
        exchangeInfo.GetProperty("symbols").EnumerateArray().Select(s => s.GetRawText()).ToList();

    [Fact]
    public async Task Exchange_info_lists_the_default_universe_with_its_non_trading_symbols_and_weighs_20()
    {
        await using var simulator = await SimulatorHost.StartAsync(time: new FakeTimeProvider(Now));
        using var http = SimulatorHttp.Client(simulator);

        var reply = await http.GetRestAsync("/api/v3/exchangeInfo");
        var info = reply.Json;

        Assert.Equal("20", reply.UsedWeight);
        Assert.Equal("UTC", info.GetProperty("timezone").GetString());
        Assert.Equal(Now.ToUnixTimeMilliseconds(), info.GetProperty("serverTime").GetInt64());
        var symbols = SymbolsOf(info);
        Assert.Contains("""{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}""", symbols);
        Assert.Contains("""{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","quoteAsset":"BTC"}""", symbols);
        Assert.Contains("""{"symbol":"BNBFDUSD","status":"TRADING","baseAsset":"BNB","quoteAsset":"FDUSD"}""", symbols);
        Assert.Contains("""{"symbol":"LUNAUSDT","status":"BREAK","baseAsset":"LUNA","quoteAsset":"USDT"}""", symbols);
        Assert.Contains("""{"symbol":"BTTCTRY","status":"HALT","baseAsset":"BTTC","quoteAsset":"TRY"}""", symbols);
    }

    [Fact]
    public async Task A_configured_universe_is_strict_and_only_its_trading_symbols_stream()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.Symbols = ["BTCUSDT", "LUNAUSDT:BREAK", "WINEUR:halt"]);
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");

        Assert.Equal(
            [
                """{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}""",
                """{"symbol":"LUNAUSDT","status":"BREAK","baseAsset":"LUNA","quoteAsset":"USDT"}""",
                """{"symbol":"WINEUR","status":"HALT","baseAsset":"WIN","quoteAsset":"EUR"}""",
            ],
            SymbolsOf(await ExchangeInfoAsync(http)));

        // Binance acknowledges a SUBSCRIBE to a symbol that does not trade, or does not exist, and then sends nothing.
        Assert.Equal("""{"result":null,"id":1}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["lunausdt@kline_1m","sym0001usdt@kline_1m","btcusdt@kline_1m"],"id":1}"""));
        await simulator.PublishAsync(Candles.Make("LUNAUSDT", "1m", 1));
        await simulator.PublishAsync(Candles.Make("SYM0001USDT", "1m", 1));
        var btc = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(btc);

        Assert.Equal(btc.ToRawJson(), await client.ReceiveTextAsync());
        Assert.Equal(["btcusdt@kline_1m"], simulator.SentUpdates.Keys);
    }

    [Fact]
    public async Task The_default_universe_is_open_to_made_up_symbols_but_its_non_trading_symbols_stay_silent()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");
        Assert.Equal("""{"result":null,"id":1}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["lunausdt@kline_1m","sym0001@kline_1m"],"id":1}"""));

        // LUNAUSDT is listed in BREAK: acknowledged, never fed. SYM0001 is not listed at all: in an open universe it trades.
        var madeUp = Candles.Make("SYM0001", "1m", 1);
        foreach (var candle in new[] { Candles.Make("LUNAUSDT", "1m", 1), madeUp })
        {
            await simulator.PublishAsync(candle);
        }

        Assert.Equal(madeUp.ToRawJson(), await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Extra_symbols_are_listed_as_trading_on_top_of_the_default_universe_which_stays_open()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.ExtraSymbols = ["S272USDT", "abcbtc", "BTCGBP", "LUNAUSDT"]);
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");

        var symbols = SymbolsOf(await ExchangeInfoAsync(http));
        Assert.Contains("""{"symbol":"S272USDT","status":"TRADING","baseAsset":"S272","quoteAsset":"USDT"}""", symbols);
        Assert.Contains("""{"symbol":"ABCBTC","status":"TRADING","baseAsset":"ABC","quoteAsset":"BTC"}""", symbols);
        // No known quote asset: split as a three-letter fiat pair rather than refused.
        Assert.Contains("""{"symbol":"BTCGBP","status":"TRADING","baseAsset":"BTC","quoteAsset":"GBP"}""", symbols);
        // Asked for, the default universe's LUNAUSDT (BREAK) trades.
        Assert.Contains("""{"symbol":"LUNAUSDT","status":"TRADING","baseAsset":"LUNA","quoteAsset":"USDT"}""", symbols);
        Assert.Contains("""{"symbol":"BTTCTRY","status":"HALT","baseAsset":"BTTC","quoteAsset":"TRY"}""", symbols);
        Assert.Equal(SymbolUniverse.DefaultSymbols.Count + 3, symbols.Count);

        // The narrowed query the ingestor's check of literal symbols can make finds them too.
        var asked = await http.GetRestAsync("/api/v3/exchangeInfo?symbols=%5B%22S272USDT%22,%22ABCBTC%22%5D");
        Assert.Equal("S272USDT,ABCBTC", string.Join(',', asked.Json.GetProperty("symbols").EnumerateArray().Select(s => s.GetProperty("symbol").GetString())));

        // Still open: a made-up symbol that nobody listed streams next to the listed ones.
        Assert.Equal("""{"result":null,"id":1}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["s272usdt@kline_1m","sym0001usdt@kline_1m"],"id":1}"""));
        var listed = Candles.Make("S272USDT", "1m", 1);
        var madeUp = Candles.Make("SYM0001USDT", "1m", 1);
        await simulator.PublishAsync(listed);
        await simulator.PublishAsync(madeUp);
        Assert.Equal(listed.ToRawJson(), await client.ReceiveTextAsync());
        Assert.Equal(madeUp.ToRawJson(), await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Extra_symbols_on_a_configured_universe_keep_it_strict()
    {
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.Symbols = ["BTCUSDT"];
            o.ExtraSymbols = ["S272USDT"];
        });
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws");

        Assert.Equal(["BTCUSDT", "S272USDT"],
            SymbolsOf(await ExchangeInfoAsync(http)).Select(s => JsonDocument.Parse(s).RootElement.GetProperty("symbol").GetString()));

        Assert.Equal("""{"result":null,"id":1}""",
            await client.RequestAsync("""{"method":"SUBSCRIBE","params":["sym0001usdt@kline_1m","s272usdt@kline_1m"],"id":1}"""));
        await simulator.PublishAsync(Candles.Make("SYM0001USDT", "1m", 1));
        var listed = Candles.Make("S272USDT", "1m", 1);
        await simulator.PublishAsync(listed);
        Assert.Equal(listed.ToRawJson(), await client.ReceiveTextAsync());
        Assert.Equal(["s272usdt@kline_1m"], simulator.SentUpdates.Keys);
    }

    [Fact]
    public async Task Synthetic_symbols_add_the_chosen_number_of_trading_symbols_cycling_through_the_quote_assets()
    {
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.Symbols = ["BTCUSDT"];
            o.SyntheticSymbols = 20;
        });
        using var http = SimulatorHttp.Client(simulator);

        var reply = await http.GetRestAsync("/api/v3/exchangeInfo?symbolStatus=TRADING");
        var listed = reply.Json.GetProperty("symbols").EnumerateArray()
            .Select(s => (Symbol: s.GetProperty("symbol").GetString()!, Base: s.GetProperty("baseAsset").GetString()!,
                Quote: s.GetProperty("quoteAsset").GetString()!))
            .ToList();

        Assert.Equal(21, listed.Count);
        // Eight quote assets: symbols 0-7 share base S0, 8-15 base S1, 16-19 base S2.
        Assert.Equal(
            ["S0FDUSD", "S0USDT", "S0USDC", "S0BTC", "S0ETH", "S0BNB", "S0TRY", "S0EUR", "S1FDUSD"],
            SyntheticSymbols.Generate(9).Select(s => s.Symbol));
        Assert.All(SyntheticSymbols.Generate(20), synthetic => Assert.Contains((synthetic.Symbol, synthetic.BaseAsset, synthetic.QuoteAsset), listed));
        Assert.Equal(["S0USDT", "S1USDT", "S2USDT"],
            listed.Select(s => s.Symbol).Where(s => s.StartsWith('S') && s.EndsWith("USDT", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains(("S2BTC", "S2", "BTC"), listed);
        Assert.DoesNotContain(listed, s => s.Symbol == "S2ETH");
        Assert.True(simulator.Symbols.IsTrading("S2BTC"));
    }

    [Fact]
    public void The_same_count_of_synthetic_symbols_gives_the_same_names_and_a_larger_count_only_adds_names()
    {
        var small = SyntheticSymbols.Generate(100).ToList();
        var large = SyntheticSymbols.Generate(4_000).ToList();

        Assert.Equal(small, SyntheticSymbols.Generate(100));
        Assert.Equal(small, large.Take(100));
        Assert.Equal(4_000, large.Select(s => s.Symbol).Distinct(StringComparer.Ordinal).Count());
        Assert.All(large, s => Assert.True(ExchangeSymbol.IsWellFormed(s.Symbol), s.Symbol));
        Assert.Equal(500, large.Count(s => s.QuoteAsset == "USDT"));
    }

    [Theory]
    [InlineData(nameof(SimulatorOptions.ExtraSymbols), "BTC@USDT", "Simulator:ExtraSymbols: 'BTC@USDT' is not a Binance symbol")]
    [InlineData(nameof(SimulatorOptions.ExtraSymbols), "BTC", "Simulator:ExtraSymbols: 'BTC' does not end in a known quote asset")]
    [InlineData(nameof(SimulatorOptions.ExtraSymbols), "S272USDT:SLEEPING", "Simulator:ExtraSymbols: 'SLEEPING' is not a Binance symbol status")]
    [InlineData(nameof(SimulatorOptions.SyntheticSymbols), "-1", "Simulator:SyntheticSymbols: -1 is not a count of symbols")]
    public void A_bad_listing_setting_stops_the_simulator_naming_the_setting(string setting, string value, string message)
    {
        var options = new SimulatorOptions();
        if (setting == nameof(SimulatorOptions.ExtraSymbols))
        {
            options.ExtraSymbols = [value];
        }
        else
        {
            options.SyntheticSymbols = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var error = Assert.Throws<InvalidOperationException>(() => new SymbolUniverse(options));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_halting_and_delisting_at_run_time_start_and_stop_the_feed_and_show_in_exchange_info_at_once()
    {
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.UpdatePeriod = TimeSpan.FromMilliseconds(100);
            o.Symbols = ["BTCUSDT"];
        });
        using var http = SimulatorHttp.Client(simulator);
        await using var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/stream?streams=newusdt@kline_1m/btcusdt@kline_1m");
        var before = await client.CollectAsync(TimeSpan.FromMilliseconds(600));
        Assert.DoesNotContain(before, m => FeedChanges.StreamOf(m) == "newusdt@kline_1m");
        Assert.Contains(before, m => FeedChanges.StreamOf(m) == "btcusdt@kline_1m");

        using (var listed = await http.PostJsonAsync("/api/symbols", new SymbolListing("NEWUSDT", "TRADING", null, null)))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        Assert.Contains("""{"symbol":"NEWUSDT","status":"TRADING","baseAsset":"NEW","quoteAsset":"USDT"}""", SymbolsOf(await ExchangeInfoAsync(http)));
        await client.ReceiveUntilAsync(m => FeedChanges.StreamOf(m) == "newusdt@kline_1m");

        var haltedAt = await FeedChanges.ChangeWhilePausedAsync(simulator, async () =>
        {
            using var halted = await http.PostJsonAsync("/api/symbols", new SymbolListing("NEWUSDT", "HALT", null, null));
            Assert.Equal(HttpStatusCode.OK, halted.StatusCode);
        });
        Assert.Contains("""{"symbol":"NEWUSDT","status":"HALT","baseAsset":"NEW","quoteAsset":"USDT"}""", SymbolsOf(await ExchangeInfoAsync(http)));
        var whileHalted = await FeedChanges.CollectSinceAsync(client, haltedAt, TimeSpan.FromMilliseconds(800));
        Assert.DoesNotContain(whileHalted, m => FeedChanges.StreamOf(m) == "newusdt@kline_1m");
        Assert.True(whileHalted.Count(m => FeedChanges.StreamOf(m) == "btcusdt@kline_1m") >= 3);

        var delistedAt = await FeedChanges.ChangeWhilePausedAsync(simulator, async () =>
        {
            using var delisted = await http.DeleteAsync("/api/symbols/BTCUSDT", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NoContent, delisted.StatusCode);
        });
        Assert.Equal(["""{"symbol":"NEWUSDT","status":"HALT","baseAsset":"NEW","quoteAsset":"USDT"}"""], SymbolsOf(await ExchangeInfoAsync(http)));
        Assert.Empty(await FeedChanges.CollectSinceAsync(client, delistedAt, TimeSpan.FromMilliseconds(800)));
        Assert.Equal(1, simulator.OpenConnections);
    }

    [Theory]
    [InlineData("""{"symbol":"NEWUSDT","status":"SLEEPING"}""")]
    [InlineData("""{"symbol":"NEW USDT"}""")]
    [InlineData("""{"symbol":"NEWXYZ"}""")]
    [InlineData("""{"status":"TRADING"}""")]
    public async Task A_malformed_listing_is_refused_and_changes_nothing(string body)
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.Symbols = ["BTCUSDT"]);
        using var http = SimulatorHttp.Client(simulator);

        using var response = await http.PostAsync("/api/symbols", new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["BTCUSDT"], simulator.Symbols.Listed.Select(s => s.Symbol));
    }

    [Fact]
    public async Task A_listing_with_explicit_assets_keeps_them()
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.Symbols = ["BTCUSDT"]);
        using var http = SimulatorHttp.Client(simulator);

        using var response = await http.PostJsonAsync("/api/symbols", new SymbolListing("NEWXYZ", null, "NEW", "XYZ"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("""{"symbol":"NEWXYZ","status":"TRADING","baseAsset":"NEW","quoteAsset":"XYZ"}""", SymbolsOf(await ExchangeInfoAsync(http)));
        Assert.True(simulator.Symbols.IsTrading("NEWXYZ"));
    }

    [Theory]
    [InlineData("symbol=BTCUSDT", "BTCUSDT")]
    [InlineData("symbols=%5B%22LUNAUSDT%22,%22BTCUSDT%22%5D", "LUNAUSDT,BTCUSDT")]
    [InlineData("symbolStatus=BREAK", "LUNAUSDT")]
    [InlineData("symbolStatus=TRADING", "BTCUSDT,WINEUR")]
    [InlineData("symbolStatus=HALT", "")]
    public async Task Exchange_info_narrows_to_a_symbol_a_list_or_a_status(string query, string expected)
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.Symbols = ["BTCUSDT", "LUNAUSDT:BREAK", "WINEUR"]);
        using var http = SimulatorHttp.Client(simulator);

        var reply = await http.GetRestAsync("/api/v3/exchangeInfo?" + query);

        Assert.Equal((HttpStatusCode.OK, "20"), (reply.Status, reply.UsedWeight));
        Assert.Equal(expected, string.Join(',', reply.Json.GetProperty("symbols").EnumerateArray().Select(s => s.GetProperty("symbol").GetString())));
    }

    [Theory]
    [InlineData("symbol=NOPEUSDT", -1121)]
    [InlineData("symbols=%5B%22BTCUSDT%22,%22NOPEUSDT%22%5D", -1121)]
    [InlineData("symbols=BTCUSDT", -1100)]
    [InlineData("symbolStatus=SLEEPING", -1122)]
    [InlineData("symbol=BTCUSDT&symbolStatus=TRADING", -1128)]
    public async Task Exchange_info_rejects_unknown_symbols_and_bad_filters(string query, int code)
    {
        await using var simulator = await SimulatorHost.StartAsync(o => o.Symbols = ["BTCUSDT"]);
        using var http = SimulatorHttp.Client(simulator);

        var reply = await http.GetRestAsync("/api/v3/exchangeInfo?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(code, reply.Error.Code);
    }
}
