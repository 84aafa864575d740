using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Subscriptions;

namespace KlineAspire.Tests.Unit;

/// <summary>The room for distinct streams one run reserves: the per-stream series limit OpenTelemetry preallocates.</summary>
public class StreamCapacityTests
{
    private static readonly ListedSymbol[] Listed =
    [
        new("AAAUSDT", "TRADING"), new("BBBUSDT", "TRADING"), new("CCCUSDT", "BREAK"), new("ETHBTC", "TRADING"),
    ];

    private static StreamCapacity For(string[] symbols, string[] intervals, int headroom, IReadOnlyList<ListedSymbol>? listed)
    {
        var options = new BinanceOptions { Symbols = [.. symbols], Intervals = [.. intervals], ListingHeadroom = headroom };
        var selector = new SymbolSelector(SymbolPattern.FromConfiguration(options.Symbols));
        var startup = listed is null
            ? StartupSelection.Unread(new ExchangeInfoUnavailableException(ExchangeInfoFailure.Transport, "connection refused"))
            : StartupSelection.Read(listed, selector.Select(listed));
        return StreamCapacity.For(options, selector, StreamPlanner.Plan(options), startup);
    }

    [Theory]
    // Literals never change: exactly the planned streams, headroom or not, listing or not.
    [InlineData(new[] { "BTCUSDT", "ETHUSDT" }, new[] { "1m", "1h" }, 200, true, 4)]
    [InlineData(new[] { "BTCUSDT", "ETHUSDT" }, new[] { "1m", "1h" }, 200, false, 4)]
    // Patterns with a listing: the symbols selected at startup (trading matches plus literals) and the headroom, per interval.
    [InlineData(new[] { "*USDT" }, new[] { "1m", "1h", "1d" }, 10, true, (2 + 10) * 3)]
    [InlineData(new[] { "*USDT", "ETHBTC" }, new[] { "1m" }, 0, true, 3)]
    // Patterns without a listing: the fallback allowance and the headroom, per interval.
    [InlineData(new[] { "*USDT" }, new[] { "1m", "1h" }, 5, false, (StreamCapacity.UnlistedPatternSymbols + 5) * 2)]
    public void Sized_from_what_is_known_at_startup(string[] symbols, string[] intervals, int headroom, bool listed, int expected)
    {
        var capacity = For(symbols, intervals, headroom, listed ? Listed : null);

        Assert.Equal(expected, capacity.Streams);
        Assert.NotEmpty(capacity.Basis);
    }
}
