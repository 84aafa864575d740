using KlineAspire.Ingestor.Subscriptions;

namespace KlineAspire.Tests.Unit;

public class SymbolSelectorTests
{
    private static readonly ListedSymbol[] Listed =
    [
        new("BTCUSDT", "TRADING"), new("ETHUSDT", "TRADING"), new("LUNAUSDT", "BREAK"), new("BTCFDUSD", "TRADING"),
        new("ETHBTC", "TRADING"), new("BTTCTRY", "HALT"), new("USDTTRY", "TRADING"),
    ];

    private static SymbolSelection Select(params string[] configured) =>
        new SymbolSelector(SymbolPattern.FromConfiguration(configured)).Select(Listed);

    [Theory]
    [InlineData("*USDT", "BTCUSDT,ETHUSDT")]
    [InlineData("BTC*", "BTCFDUSD,BTCUSDT")]
    [InlineData("*", "BTCFDUSD,BTCUSDT,ETHBTC,ETHUSDT,USDTTRY")]
    [InlineData("*usdt*", "BTCUSDT,ETHUSDT,USDTTRY")]
    [InlineData("E*T*", "ETHBTC,ETHUSDT")]
    public void A_pattern_selects_exactly_the_trading_symbols_it_matches(string pattern, string expected)
    {
        var selection = Select(pattern);

        Assert.Equal(expected.Split(','), selection.Symbols);
        Assert.Empty(selection.EmptyPatterns);
    }

    [Fact]
    public void Literals_and_patterns_mix_each_symbol_once_and_literals_stay_whatever_their_status()
    {
        var selection = Select("*USDT", "ETHBTC", "btcusdt", "LUNAUSDT");

        Assert.Equal(["BTCUSDT", "ETHBTC", "ETHUSDT", "LUNAUSDT"], selection.Symbols);
        Assert.Equal("LUNAUSDT", Assert.Single(selection.NotTradingLiterals).Text);
        Assert.Empty(selection.UnknownLiterals);
    }

    [Fact]
    public void Unknown_literals_are_reported_with_their_index_and_patterns_matching_nothing_too()
    {
        var selection = Select("BTCUSDT", "NOPEUSDT", "*EUR", "*TRY");

        var unknown = Assert.Single(selection.UnknownLiterals);
        Assert.Equal((1, "NOPEUSDT"), (unknown.Index, unknown.Text));
        Assert.Equal("*EUR", Assert.Single(selection.EmptyPatterns).Text);
        // BTTCTRY is listed but halted: only USDTTRY trades.
        Assert.Equal(["BTCUSDT", "NOPEUSDT", "USDTTRY"], selection.Symbols);
    }
}
