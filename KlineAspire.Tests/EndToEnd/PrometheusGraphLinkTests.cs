using System.Globalization;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KlineAspire.AppHost;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>The links the Aspire dashboard shows for Prometheus, and that each graph already has a line left of a first start.</summary>
public class PrometheusGraphLinkTests
{
    private const string Home = "http://localhost:9090";

    [Theory]
    [InlineData("container")]
    [InlineData("executable")]
    public async Task The_dashboard_links_prometheus_home_then_the_candle_return_graph_then_the_raw_price_graph(string mode)
    {
        if (mode == "executable")
        {
            ExternalTool.Prometheus.Require();
        }

        var ct = TestContext.Current.CancellationToken;
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KlineAspire_AppHost>([$"--Prometheus:Mode={mode}"], ct)
            .WaitAsync(TimeSpan.FromSeconds(60), ct);
        var prometheus = (IResourceWithEndpoints)builder.Resources.Single(resource => resource.Name == "prometheus");

        // What the dashboard does once the endpoint is allocated: start from the endpoint's URL, run the URL callbacks.
        var urls = new List<ResourceUrlAnnotation> { new() { Url = Home, Endpoint = new EndpointReference(prometheus, "http") } };
        var context = new ResourceUrlsCallbackContext(builder.ExecutionContext, prometheus, urls, ct);
        foreach (var callback in prometheus.Annotations.OfType<ResourceUrlsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        Assert.Equal(
            [
                ("Prometheus", Home),
                ("Graph: candle return (close/open - 1), all symbols",
                    $"{Home}/graph?g0.expr=max%20by%20%28symbol%2C%20interval%29%20%28%28kline_close_price%20-%20kline_open_price%29%20%2F%20%28kline_open_price%20%3E%200%29%29&g0.tab=0&g0.range_input=1h"),
                ("Graph: kline_close_price", $"{Home}/graph?g0.expr=kline_close_price&g0.tab=0&g0.range_input=1h"),
            ],
            urls.Select(url => (url.DisplayText, url.Url)));
        Assert.All(urls, url => Assert.Equal("http", url.Endpoint?.EndpointName));
    }

    /// <summary>
    /// What each link graphs, from the REST kline the forming-candle gauges held: backfilled, each candle's final values
    /// are one sample at its close time, read until the next candle's (or, for coarse intervals, for the 5-minute look-back).
    /// </summary>
    private static readonly Dictionary<string, Func<JsonElement, double>> Graphed = new(StringComparer.Ordinal)
    {
        ["Graph: candle return (close/open - 1), all symbols"] = row => (KlineRowColumns.Number(row[4]) - KlineRowColumns.Number(row[1])) / KlineRowColumns.Number(row[1]),
        ["Graph: kline_close_price"] = row => KlineRowColumns.Number(row[4]),
    };

    [Fact]
    public async Task Every_graph_has_a_line_before_the_start_equal_to_the_candles_binance_rest_serves()
    {
        Assert.Equal(Graphed.Keys.Order(StringComparer.Ordinal), PrometheusGraphLink.All.Select(link => link.DisplayText).Order(StringComparer.Ordinal));
        // The AppHost's default watch list, and a coarse interval beside the default 1m.
        string[] symbols = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"];
        string[] intervals = ["1m", "1h"];
        await using var backfilled = await BackfilledPrometheus.StartAsync(symbols, intervals, candles: 30, series: "kline_open_price,kline_close_price");

        var problems = new List<string>();
        foreach (var interval in intervals)
        {
            var length = TimeSpan.FromMilliseconds(KlineCalendar.Parse(interval).NextOpenTime(0));
            // At each candle's close time (its last millisecond) and half a minute later, all before the start.
            var afterClose = TimeSpan.FromSeconds(30);
            var rows = new Dictionary<string, IReadOnlyList<JsonElement>>(StringComparer.Ordinal);
            foreach (var symbol in symbols)
            {
                rows[symbol] = [.. (await backfilled.ClosedBeforeStartAsync(symbol, interval)).Where(row => CloseTime(row) + afterClose < backfilled.BeforeStart).TakeLast(20)];
                Assert.True(rows[symbol].Count == 20, $"{symbol} {interval}: {rows[symbol].Count} candles to compare");
            }

            var first = rows.Values.Min(candles => CloseTime(candles[0]));
            var last = rows.Values.Max(candles => CloseTime(candles[^1]));
            foreach (var link in PrometheusGraphLink.All)
            {
                foreach (var delay in new[] { TimeSpan.Zero, afterClose })
                {
                    var series = (await backfilled.Prometheus.QueryRangeAsync(link.Expression, first + delay, last + delay, length))
                        .Where(s => s.Labels["interval"] == interval)
                        .ToLookup(s => s.Labels["symbol"], StringComparer.Ordinal);
                    foreach (var symbol in symbols)
                    {
                        var ofSymbol = series[symbol].ToList();
                        Assert.True(ofSymbol.Count == 1, $"{link.Expression}: {ofSymbol.Count} series for {symbol} {interval}, one expected");
                        var points = ofSymbol[0].Points.ToDictionary(point => point.Time, point => point.Value);
                        foreach (var row in rows[symbol])
                        {
                            var at = CloseTime(row) + delay;
                            var expected = Graphed[link.DisplayText](row);
                            if (!points.TryGetValue(at, out var actual) || actual != expected)
                            {
                                var shown = points.ContainsKey(at) ? actual.ToString("R", CultureInfo.InvariantCulture) : "missing";
                                problems.Add($"{link.Expression} {symbol} {interval} at {at:O}: {shown}, REST's candle gives {expected.ToString("R", CultureInfo.InvariantCulture)}");
                            }
                        }
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} differences:\n{string.Join(Environment.NewLine, problems.Take(40))}");
    }

    /// <summary>A REST kline's close time: the last millisecond of the candle.</summary>
    private static DateTimeOffset CloseTime(JsonElement row) => DateTimeOffset.FromUnixTimeMilliseconds(row[6].GetInt64());
}
