using System.Globalization;
using System.Net;
using System.Text.Json;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Every closed candle lands in Prometheus exactly: the simulator's random walk closes 1m candles at real minute
/// boundaries while a real Prometheus scrapes every 5 s, and PromQL at step = 1m, one point inside each candle's
/// following minute, gives back the simulator's own final candles, all eight values, none missing, none invented;
/// so do the Grafana candlestick panel's queries.
/// </summary>
public class ClosedCandleHistoryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_real_prometheus_scraping_every_5s_holds_every_closed_minute_exactly()
    {
        ExternalTool.Prometheus.Require();
        var cancellation = TestContext.Current.CancellationToken;
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, cancellation);
        string[] symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(symbols.Length, Timeout);
        await using var prometheus = await PrometheusServer.StartAsync("ingestor", ingestor.BaseAddress, TimeSpan.FromSeconds(5));

        // The first candle to check closes after Prometheus is up, so all of its export window (until the next close) is
        // scraped. Candle M is evaluated half a minute after its close: any scrape of the 6 before it holds M.
        var calendar = KlineCalendar.Parse("1m");
        var firstClose = DateTimeOffset.FromUnixTimeMilliseconds(calendar.NextOpenTime(calendar.OpenTimeAt(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        var closes = Enumerable.Range(0, 3).Select(i => firstClose + i * Minute).ToList();
        var evaluatedAt = closes.Select(close => close + Minute / 2).ToList();
        var waitUntil = evaluatedAt[^1] + TimeSpan.FromSeconds(5);
        await Task.Delay(waitUntil - DateTimeOffset.UtcNow, cancellation);

        using var rest = SimulatorHttp.Client(simulator);
        var problems = new List<string>();
        var expected = new Dictionary<(string Symbol, DateTimeOffset At), JsonElement>();
        foreach (var symbol in symbols)
        {
            var reply = await rest.GetRestAsync(
                $"/api/v3/klines?symbol={symbol}&interval=1m&startTime={(firstClose - Minute).ToUnixTimeMilliseconds()}&limit=3");
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var rows = reply.Json.EnumerateArray().ToList();
            Assert.Equal(closes.Select(close => (close - Minute).ToUnixTimeMilliseconds()), rows.Select(row => row[0].GetInt64()));
            for (var index = 0; index < closes.Count; index++)
            {
                expected[(symbol, evaluatedAt[index])] = rows[index];
            }
        }

        foreach (var (metric, column) in KlineRowColumns.ClosedValues)
        {
            var series = await prometheus.QueryRangeAsync($"{metric}{{job=\"ingestor\"}}", evaluatedAt[0], evaluatedAt[^1], Minute);
            var actual = series.SelectMany(s => s.Points.Select(p => ((s.Labels["symbol"], p.Time), (s.Labels["interval"], p.Value)))).ToList();
            foreach (var ((symbol, at), row) in expected)
            {
                var point = actual.Where(a => a.Item1 == (symbol, at)).Select(a => (double?)a.Item2.Item2).SingleOrDefault();
                if (point != column(row))
                {
                    problems.Add($"{metric}{{symbol={symbol}}} at {at:HH:mm:ss} is {point?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, the "
                        + $"simulator closed {column(row).ToString(CultureInfo.InvariantCulture)}");
                }
            }

            // None invented: no other stream, instant or interval.
            problems.AddRange(actual.Where(a => !expected.ContainsKey(a.Item1) || a.Item2.Item1 != "1m")
                .Select(a => $"{metric}{{symbol={a.Item1.Item1},interval={a.Item2.Item1}}} at {a.Item1.Item2:HH:mm:ss} is not a candle the simulator closed"));
        }

        // The dashboard's candlestick queries, as Grafana runs them at step = 1m: each candle at its close time.
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Combine("grafana/dashboards/kline-aspire.json"), cancellation));
        var candlestick = dashboard.RootElement.GetProperty("panels").EnumerateArray().Single(panel => panel.GetProperty("type").GetString() == "candlestick");
        foreach (var target in candlestick.GetProperty("targets").EnumerateArray())
        {
            var legend = target.GetProperty("legendFormat").GetString()!;
            var column = KlineRowColumns.ClosedValues
                .Single(value => value.Metric == (legend == "volume" ? "kline_closed_base_volume" : $"kline_closed_{legend}_price")).Column;
            var promql = target.GetProperty("expr").GetString()!
                .Replace("$symbol", string.Join('|', symbols), StringComparison.Ordinal)
                .Replace("$interval", "1m", StringComparison.Ordinal)
                .Replace("$__interval", "1m", StringComparison.Ordinal);
            var series = await prometheus.QueryRangeAsync(promql, closes[0], closes[^1], Minute);
            foreach (var ((symbol, at), row) in expected)
            {
                var closedAt = at - Minute / 2;
                var point = series.Where(s => s.Labels["symbol"] == symbol).SelectMany(s => s.Points).Where(p => p.Time == closedAt)
                    .Select(p => (double?)p.Value).SingleOrDefault();
                if (point != column(row))
                {
                    problems.Add($"dashboard candles '{legend}' of {symbol} at {closedAt:HH:mm:ss} is "
                        + $"{point?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, the simulator closed "
                        + $"{column(row).ToString(CultureInfo.InvariantCulture)}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        var missed = await prometheus.QueryAsync("kline_ingestor_missed_candles_total");
        Assert.Equal(0, Assert.Single(missed).Value);
    }

}
