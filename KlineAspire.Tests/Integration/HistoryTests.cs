using System.Globalization;
using System.Net;
using System.Text.Json;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// History from the first minute: the ingestor reads every stream's closed candles from the simulator's REST klines (its
/// deterministic past) and serves them at <c>/history</c>; <c>promtool tsdb create-blocks-from openmetrics</c> turns them
/// into blocks, and a real Prometheus started on them answers the README's closed-candle queries with the simulator's
/// candles, value for value, as it would for live ones.
/// </summary>
public class HistoryTests
{
    private static readonly TimeSpan Timeout = IngestorHistory.Timeout;

    [Fact]
    public async Task Imported_history_answers_the_closed_candle_queries_with_the_simulators_candles()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var cancellation = TestContext.Current.CancellationToken;
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, cancellation);
        string[] symbols = ["BTCUSDT", "ETHUSDT"];
        string[] intervals = ["1m", "1h"];
        var beforeStart = DateTimeOffset.UtcNow;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, intervals, IngestorHistory.Settings(simulator, 300));

        var history = await IngestorHistory.CompleteAsync(ingestor);
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", history.ContentType);
        Assert.EndsWith("# EOF\n", history.Body, StringComparison.Ordinal);

        await using var imported = await ImportedHistory.StartAsync(history.Body, PrometheusServer.StartOnDataAsync);
        var prometheus = imported.Prometheus;

        using var rest = SimulatorHttp.Client(simulator);
        var problems = new List<string>();
        foreach (var interval in intervals)
        {
            var calendar = KlineCalendar.Parse(interval);
            var length = TimeSpan.FromMilliseconds(calendar.NextOpenTime(0) - 0);
            foreach (var symbol in symbols)
            {
                var reply = await rest.GetRestAsync($"/api/v3/klines?symbol={symbol}&interval={interval}&limit=1000");
                // Every candle whose following interval had ended before the ingestor started is wholly in the history.
                var rows = reply.Json.EnumerateArray().Where(row => row[0].GetInt64() + 2 * length.TotalMilliseconds <= beforeStart.ToUnixTimeMilliseconds()).TakeLast(299).ToList();
                Assert.True(rows.Count >= 298, $"{symbol} {interval}: {rows.Count} candles to compare");
                var ends = rows.Select(row => DateTimeOffset.FromUnixTimeMilliseconds(row[0].GetInt64()) + length).ToList();
                foreach (var (metric, column) in KlineRowColumns.ClosedValues)
                {
                    var selector = $"{metric}{{symbol=\"{symbol}\",interval=\"{interval}\"}}";
                    // As the Grafana panel reads candles: each at its close time, offset by minus one interval.
                    var atClose = Points(await prometheus.QueryRangeAsync($"{selector} offset -{length.TotalSeconds}s", ends[0], ends[^1], length));
                    // As the README's range query does: half an interval after each close.
                    var halfway = Points(await prometheus.QueryRangeAsync(selector, ends[0] + length / 2, ends[^1] + length / 2, length));
                    for (var index = 0; index < rows.Count; index++)
                    {
                        Compare(problems, $"{selector} offset -{interval} at {ends[index]:u}", atClose.GetValueOrDefault(ends[index]), column(rows[index]));
                        Compare(problems, $"{selector} at {ends[index] + length / 2:u}", halfway.GetValueOrDefault(ends[index] + length / 2), column(rows[index]));
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} differences:\n{string.Join(Environment.NewLine, problems.Take(40))}");
    }

    [Fact]
    public async Task Backfilled_and_live_candles_meet_without_a_duplicate_or_a_gap()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var cancellation = TestContext.Current.CancellationToken;
        var minute = TimeSpan.FromMinutes(1);
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, cancellation);
        string[] symbols = ["BTCUSDT", "XRPUSDT"];
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m"], IngestorHistory.Settings(simulator, 30));
        await IngestorHistory.CompleteAsync(ingestor);
        // With the labels the scrape below gives the live samples: one series each.
        var history = await IngestorHistory.GetAsync(ingestor, $"?job=ingestor&instance={ingestor.BaseAddress.Authority}");
        Assert.Contains($"instance=\"{ingestor.BaseAddress.Authority}\",job=\"ingestor\",symbol=", history.Body, StringComparison.Ordinal);

        // The history imported, then the live scrapes on top, as the AppHost's Prometheus starts.
        await using var imported = await ImportedHistory.StartAsync(
            history.Body, data => PrometheusServer.StartAsync("ingestor", ingestor.BaseAddress, TimeSpan.FromSeconds(5), data));
        var prometheus = imported.Prometheus;
        await Eventually.MatchAsync(() => prometheus.QueryAsync("up{job=\"ingestor\"}"), up => up.Count == 1 && up[0].Value == 1, Timeout,
            "Prometheus has scraped the ingestor");

        // Up to a candle that ends after Prometheus started, read once its following minute is over: the candles
        // before it closed before the history's cut-off, around it, or live.
        var calendar = KlineCalendar.Parse("1m");
        var lastEnd = DateTimeOffset.FromUnixTimeMilliseconds(calendar.NextOpenTime(calendar.OpenTimeAt(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        await Task.Delay(lastEnd + minute + TimeSpan.FromSeconds(5) - DateTimeOffset.UtcNow, cancellation);

        using var rest = SimulatorHttp.Client(simulator);
        var firstEnd = lastEnd - 12 * minute;
        var problems = new List<string>();
        var compared = 0;
        foreach (var symbol in symbols)
        {
            var rows = (await rest.GetRestAsync($"/api/v3/klines?symbol={symbol}&interval=1m&startTime={(firstEnd - minute).ToUnixTimeMilliseconds()}&limit=13")).Json.EnumerateArray().ToList();
            Assert.Equal(13, rows.Count);
            foreach (var (metric, column) in KlineRowColumns.ClosedValues)
            {
                var selector = $"{metric}{{symbol=\"{symbol}\",interval=\"1m\"}}";
                var series = await prometheus.QueryRangeAsync($"{selector} offset -60s", firstEnd, lastEnd, minute);
                Assert.True(series.Count == 1, $"{selector}: {series.Count} series, one expected");
                var points = Points(series);
                for (var index = 0; index < rows.Count; index++)
                {
                    var end = firstEnd + index * minute;
                    compared++;
                    Compare(problems, $"{selector} offset -1m at {end:u}", points.GetValueOrDefault(end), column(rows[index]));
                }
            }
        }

        Assert.Equal(13 * symbols.Length * KlineRowColumns.ClosedValues.Length, compared);
        Assert.True(problems.Count == 0, $"{problems.Count} differences across the junction:\n{string.Join(Environment.NewLine, problems.Take(40))}");
    }

    /// <summary>The sample timestamps of a <c>/history</c> body, in Unix seconds.</summary>
    private static List<double> Times(string body) => [.. HistorySamples.Parse(body).Select(sample => sample.UnixMs / 1000.0)];

    private static Dictionary<DateTimeOffset, double> Points(IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)> series) =>
        series.SelectMany(s => s.Points).ToDictionary(p => p.Time, p => p.Value);

    private static void Compare(List<string> problems, string what, double? actual, double expected)
    {
        if (actual != expected)
        {
            problems.Add($"{what} is {actual?.ToString("R", CultureInfo.InvariantCulture) ?? "missing"}, the simulator's REST klines say {expected.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    [Fact]
    public async Task The_live_gauges_start_with_the_newest_closed_candle_from_rest()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["SOLUSDT"], ["1h"], IngestorHistory.Settings(simulator, 10));
        await IngestorHistory.CompleteAsync(ingestor);

        // No 1h candle closes live in the first minutes: the closed-candle gauges come from the history, exactly as REST has it.
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Kline("kline_closed_open_time_seconds", "SOLUSDT", "1h") is not null, "the closed candle is shown");
        using var rest = SimulatorHttp.Client(simulator);
        var openTime = (long)(metrics.Kline("kline_closed_open_time_seconds", "SOLUSDT", "1h")!.Value * 1000);
        var row = Assert.Single((await rest.GetRestAsync($"/api/v3/klines?symbol=SOLUSDT&interval=1h&startTime={openTime}&limit=1")).Json.EnumerateArray());
        Assert.Equal(openTime, row[0].GetInt64());
        Assert.True(openTime + 2 * 3_600_000 > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "the newest closed candle is shown");
        Assert.All(KlineRowColumns.ClosedValues, value => Assert.Equal(value.Column(row), metrics.Kline(value.Metric, "SOLUSDT", "1h")));
        Assert.Equal(1, metrics.Value("kline_ingestor_history_streams", ("state", "done")));
        Assert.Equal(0, metrics.Value("kline_ingestor_history_streams", ("state", "pending")));
    }

    [Fact]
    public async Task History_off_serves_an_empty_complete_exposition_and_sends_no_request()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], IngestorHistory.Settings(simulator, 0));
        await ingestor.WaitForMetricsAsync(m => m.Kline("kline_close_price", "BTCUSDT", "1m") is not null, "the live feed runs");

        var history = await IngestorHistory.GetAsync(ingestor);

        Assert.Equal(("complete", "# EOF\n"), (history.State, history.Body));
        var metrics = await ingestor.ScrapeAsync();
        Assert.Equal(0, metrics.Sum("kline_ingestor_history_requests_total"));
    }

    [Fact]
    public async Task A_later_import_gets_only_newer_streams_only_before_the_first_import_and_selected_series_only()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        var settings = IngestorHistory.Settings(simulator, 50);
        settings["Binance:Series:0"] = "kline_closed_close_price";
        var beforeStart = DateTimeOffset.UtcNow;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], settings);
        var first = await IngestorHistory.CompleteAsync(ingestor);
        var longAgo = beforeStart.AddMinutes(-30).ToUnixTimeSeconds();

        var unchanged = await IngestorHistory.GetAsync(ingestor, $"?after={first.Change}&until={longAgo}");
        var again = await IngestorHistory.GetAsync(ingestor, $"?after=0&until={longAgo}");

        var names = HistorySamples.Parse(first.Body).Select(sample => sample.Name).Distinct();
        Assert.Equal(["kline_closed_close_price"], names);
        Assert.Equal("# EOF\n", unchanged.Body);
        Assert.Equal("complete", unchanged.State);
        // Nothing at or after until (the first import): Prometheus may hold live samples there.
        Assert.NotEmpty(Times(again.Body));
        Assert.True(Times(again.Body).Max() < longAgo, "a later import stops at the first import");
        Assert.Equal(Times(first.Body).Min(), Times(again.Body).Min());
        Assert.True(Times(first.Body).Max() >= beforeStart.ToUnixTimeSeconds(), "the first import reaches the request");
        Assert.Matches("^[0-9a-f]{32}$", first.Run);
        Assert.Equal(first.Run, again.Run);
        Assert.Equal(first.Change, again.Change);
    }

    [Fact]
    public async Task The_importing_prometheus_retention_cuts_older_history_and_a_bad_one_is_refused()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        var settings = IngestorHistory.Settings(simulator, 300);
        settings["Binance:Series:0"] = "kline_closed_close_price";
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], settings);
        var all = await IngestorHistory.CompleteAsync(ingestor);

        var hour = await IngestorHistory.GetAsync(ingestor, "?retention=1h");
        var longer = await IngestorHistory.GetAsync(ingestor, "?retention=1y");
        using var refused = await ingestor.Http.GetAsync("/history?retention=7days", TestContext.Current.CancellationToken);

        Assert.True(Times(all.Body).Min() < DateTimeOffset.UtcNow.AddHours(-4).ToUnixTimeSeconds(), "300 one-minute candles reach back five hours");
        Assert.True(Times(hour.Body).Min() >= DateTimeOffset.UtcNow.AddHours(-1).AddMinutes(-1).ToUnixTimeSeconds(), "nothing older than the hour Prometheus keeps");
        Assert.NotEmpty(Times(hour.Body));
        // A retention longer than the ingestor's own (Binance:HistoryRetention) changes nothing.
        Assert.Equal(Times(all.Body).Min(), Times(longer.Body).Min());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("'7days'", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reports_are_counted_by_result_and_an_unknown_result_is_refused()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], IngestorHistory.Settings(simulator, 0));
        var cancellation = TestContext.Current.CancellationToken;

        foreach (var result in new[] { "imported", "failed", "failed" })
        {
            using var reported = await ingestor.Http.PostAsync($"/history/imports?result={result}", null, cancellation);
            Assert.Equal(HttpStatusCode.NoContent, reported.StatusCode);
        }

        using var refused = await ingestor.Http.PostAsync("/history/imports?result=great", null, cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("imported, partial, empty, failed", await refused.Content.ReadAsStringAsync(cancellation), StringComparison.Ordinal);
        var metrics = await ingestor.ScrapeAsync();
        Assert.Equal(1, metrics.Value("kline_ingestor_history_imports_total", ("result", "imported")));
        Assert.Equal(2, metrics.Value("kline_ingestor_history_imports_total", ("result", "failed")));
    }
}
