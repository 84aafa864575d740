using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// What a run's series will cost is said at startup, before it bites: past the measured budget the ingestor warns with
/// the count, where it comes from, and the setting that brings it down.
/// </summary>
public class SeriesBudgetTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<IReadOnlyList<string>> WarningsAsync(params (string Key, string Value)[] settings)
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = ["AAAUSDT", "BBBUSDT"]);
        // Two symbols now, room for 20,000 more listings: the series limit (and the cost) follow the room.
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["*USDT"], ["1m"],
            RestSettings.Of(simulator, [("Binance:ListingHeadroom", "20000"), .. settings]));
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        return [.. ingestor.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message)];
    }

    [Fact]
    public async Task Past_the_budget_the_start_warns_with_the_series_count_and_the_setting_that_lowers_it()
    {
        var warnings = await WarningsAsync();

        Assert.Contains(warnings,
            message => message.StartsWith(
                    "Up to 420042 per-stream series this run (20002 streams × 21 series of Binance:Series): past 300000", StringComparison.Ordinal)
                && message.Contains("Binance:Series=kline_close_price,feed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Within_the_budget_there_is_no_warning()
    {
        var warnings = await WarningsAsync(("Binance:Series", "kline_close_price,feed"));

        Assert.DoesNotContain(warnings, message => message.Contains("per-stream series this run", StringComparison.Ordinal));
    }
}
