using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// The offline run (<c>--Feed simulated</c>) starts Prometheus on the ingestor's history: the AppHost's import step runs
/// to completion first, and the chart left of the start shows the simulator's past, candle for candle; the follower then
/// runs beside Prometheus.
/// </summary>
public class HistoryImportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_offline_run_starts_prometheus_with_the_simulators_candles_from_before_the_start()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var ct = TestContext.Current.CancellationToken;
        string[] symbols = ["BTCUSDT", "ETHUSDT"];
        var beforeStart = DateTimeOffset.UtcNow;
        await using var app = await SimulatedStack.StartAsync(symbols, ["1m"]);

        // Prometheus waited for the import, which finished (exit code 0 whatever happened; its line says how it went).
        var import = await app.ResourceNotifications.WaitForResourceAsync("prometheus-history",
            e => e.Snapshot.State?.Text == KnownResourceStates.Finished && e.Snapshot.ExitCode is not null, ct).WaitAsync(Timeout, ct);
        Assert.Equal(0, import.Snapshot.ExitCode);
        var line = Assert.Single(await ResourceConsole.ReadAsync(app, import.ResourceId), l => l.Contains("History import:", StringComparison.Ordinal));
        Assert.Contains("History import: imported ", line, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage(line);

        using var simulator = app.CreateHttpClient("binance-simulator");
        using var prometheus = app.CreateHttpClient("prometheus");
        foreach (var symbol in symbols)
        {
            var rows = (await simulator.GetRestAsync($"/api/v3/klines?symbol={symbol}&interval=1m&limit=100")).Json.EnumerateArray()
                .Where(row => row[0].GetInt64() + 120_000 <= beforeStart.ToUnixTimeMilliseconds()).ToList();
            Assert.True(rows.Count >= 90, $"{symbol}: {rows.Count} candles before the start");
            foreach (var candle in new[] { rows[0], rows[^30], rows[^1] })
            {
                // Half a minute into the candle's following interval: before the AppHost started, so only history can answer.
                var at = DateTimeOffset.FromUnixTimeMilliseconds(candle[0].GetInt64() + 90_000);
                var series = await Eventually.MatchAsync(
                    () => PrometheusApi.QueryRangeAsync(prometheus, $"kline_closed_close_price{{symbol=\"{symbol}\",interval=\"1m\"}}", at, at, TimeSpan.FromMinutes(1)),
                    result => result.Count == 1, Timeout, $"{symbol}'s candle of {at:u} is in Prometheus");
                Assert.Equal(double.Parse(candle[4].GetString()!, CultureInfo.InvariantCulture), Assert.Single(series[0].Points).Value);
                Assert.Equal("ingestor", series[0].Labels["job"]);
            }
        }

        // The live scrape (every second; the history has a sample a minute) continues the same series: one per stream, not
        // a backfilled one beside a live one.
        var live = await Eventually.MatchAsync(() => PrometheusApi.QueryAsync(prometheus, "count_over_time(kline_closed_close_price[20s]) > 5"),
            r => r.Count == symbols.Length, Timeout, "the live scrapes land in each stream's one closed-candle series");
        Assert.Single(live.Select(series => series.Labels["instance"]).Distinct());
        // Over the last hour, history and live scrapes included: one series per symbol.
        var seriesPerSymbol = await PrometheusApi.QueryAsync(prometheus, "count by (symbol) (count_over_time(kline_closed_close_price[1h]))");
        Assert.Equal(symbols.Length, seriesPerSymbol.Count);
        Assert.All(seriesPerSymbol, r => Assert.Equal(1, r.Value));

        // Beside the running Prometheus, the follower waits for history that arrives later; with nothing new, it is silent.
        var follower = await app.ResourceNotifications.WaitForResourceAsync("prometheus-history-follow",
            e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct).WaitAsync(Timeout, ct);
        Assert.DoesNotContain(await ResourceConsole.ReadAsync(app, follower.ResourceId), l => l.Contains("History import:", StringComparison.Ordinal));
        var metrics = MetricsText.Parse(await app.CreateHttpClient("ingestor").GetStringAsync("/metrics", ct));
        Assert.Equal(1, metrics.Value("kline_ingestor_history_imports_total", ("result", "imported")));
    }
}
