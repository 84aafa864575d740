using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.AppHost;

/// <summary>
/// Symbol patterns through the AppHost (<c>Market:Symbols</c>, <c>--Feed simulated</c> pointing the ingestor's REST
/// at the simulator), read back from the local Prometheus binary as listings come and go.
/// </summary>
public class ListingEndToEndTests
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_follows_the_symbols_a_pattern_selects_as_they_are_listed_and_delisted()
    {
        ExternalTool.Prometheus.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var app = await SimulatedStack.StartAsync(["*USDT", "ETHBTC"], ["1m"], appHost =>
            appHost.CreateResourceBuilder<ProjectResource>("ingestor").WithEnvironment("Binance__SymbolRefreshInterval", "00:00:02"));
        using var simulator = app.CreateHttpClient("binance-simulator");
        using var prometheus = app.CreateHttpClient("prometheus");

        // The simulator's default universe: every TRADING *USDT symbol, not LUNAUSDT (BREAK), plus the literal.
        string[] expected = ["ADAUSDT", "BNBUSDT", "BTCUSDT", "DOGEUSDT", "ETHBTC", "ETHUSDT", "SOLUSDT", "XRPUSDT"];
        await WaitForSymbolsAsync(prometheus, expected, "Prometheus shows every selected symbol");

        using (var listed = await simulator.PostAsJsonAsync("/api/symbols", new { symbol = "NEWUSDT" }, ct))
        {
            listed.EnsureSuccessStatusCode();
        }

        using (var delisted = await simulator.DeleteAsync("/api/symbols/BNBUSDT", ct))
        {
            delisted.EnsureSuccessStatusCode();
        }

        await WaitForSymbolsAsync(prometheus, [.. expected.Where(s => s != "BNBUSDT").Append("NEWUSDT").Order(StringComparer.Ordinal)],
            "Prometheus shows the listing and no longer the delisted symbol");
        var refreshes = await PrometheusApi.QueryAsync(prometheus, "kline_ingestor_symbol_refreshes_total{result=\"success\"}");
        Assert.True(Assert.Single(refreshes).Value >= 2);
    }

    private static Task WaitForSymbolsAsync(HttpClient prometheus, string[] symbols, string because) =>
        Eventually.MatchAsync(
            async () => (await PrometheusApi.QueryAsync(prometheus, "kline_close_price")).Select(r => r.Labels["symbol"]).Order(StringComparer.Ordinal).ToList(),
            result => result.SequenceEqual(symbols),
            DataTimeout,
            $"{because}: {string.Join(',', symbols)}");
}
