using System.Buffers.Binary;
using System.Net;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// A real browser on the whole system: the AppHost runs simulator → ingestor → Prometheus (the local binary), and
/// headless Chromium loads Prometheus' graph page for <c>kline_close_price</c>, saves a screenshot, and must show a
/// plotted, labelled series for every stream.
/// </summary>
public partial class BrowserSmokeTests
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(90);
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private const int Width = 1400;
    private const int Height = 900;

    /// <summary>Where the screenshot is kept after the run, for a human (or CI artifact upload) to look at.</summary>
    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "artifacts", "prometheus-graph.png");

    [Fact]
    public async Task Prometheus_graph_page_renders_a_kline_close_price_series_per_stream_in_headless_chromium()
    {
        ExternalTool.Chromium.Require();
        ExternalTool.Prometheus.Require();
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        string[] symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
        string[] intervals = ["1m", "1h"];
        var streams = symbols.SelectMany(symbol => intervals.Select(interval => (Symbol: symbol, Interval: interval))).ToList();

        await using var app = await SimulatedStack.StartAsync(symbols, intervals);

        // Every stream has a few samples in Prometheus, so each one draws a visible line, not a dot.
        using var prometheus = app.CreateHttpClient("prometheus");
        await Eventually.MatchAsync(
            () => PrometheusApi.QueryAsync(prometheus, "count_over_time(kline_close_price[1m])"),
            result => streams.All(s => result.Any(r => r.Labels["symbol"] == s.Symbol && r.Labels["interval"] == s.Interval && r.Value >= 5)),
            DataTimeout,
            $"Prometheus holds at least 5 samples of kline_close_price for each of {string.Join(", ", streams.Select(s => $"{s.Symbol}/{s.Interval}"))}");

        var graph = new Uri(prometheus.BaseAddress!, "/graph?g0.expr=kline_close_price&g0.tab=0&g0.range_input=1m");
        var page = await HeadlessChromium.RenderAsync(graph, ScreenshotPath, BrowserTimeout, Width, Height);
        var domPath = Path.ChangeExtension(ScreenshotPath, ".html");
        await File.WriteAllTextAsync(domPath, page.Dom, ct);
        output?.WriteLine($"Rendered {graph}");
        output?.WriteLine($"Screenshot: {ScreenshotPath}");
        output?.WriteLine($"DOM:        {domPath}");

        // The screenshot is a real PNG of the requested viewport with content, not an empty or error page.
        var png = await File.ReadAllBytesAsync(ScreenshotPath, ct);
        Assert.True(png.Length > 20 * 1024, $"the screenshot is only {png.Length} bytes");
        Assert.Equal(PngSignature, png[..PngSignature.Length]);
        Assert.Equal((Width, Height), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));

        // The page's own query ran and its legend names every stream: series labels such as
        // kline_close_price{instance="…",interval="1m",job="ingestor",…,symbol="BTCUSDT"}. Tags are stripped first, so
        // labels split over elements (the React UI) read the same as plain text (the classic UI Debian ships).
        var text = WebUtility.HtmlDecode(Tag().Replace(page.Dom, string.Empty));
        Assert.DoesNotContain("Error executing query", text, StringComparison.OrdinalIgnoreCase);
        var legend = SeriesLabel().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        foreach (var line in legend)
        {
            output?.WriteLine($"Legend: {line}");
        }

        Assert.All(streams, s => Assert.Contains(legend, label =>
            label.Contains($"symbol=\"{s.Symbol}\"", StringComparison.Ordinal) && label.Contains($"interval=\"{s.Interval}\"", StringComparison.Ordinal)));
        Assert.Equal(streams.Count, legend.Count);

        // And something was plotted: a polyline per series in the classic (Rickshaw/SVG) UI, a canvas in the React one.
        var lines = PlottedLine().Count(page.Dom);
        Assert.True(lines >= streams.Count || page.Dom.Contains("<canvas", StringComparison.Ordinal),
            $"the graph plots {lines} lines for {streams.Count} series");
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex("""kline_close_price\{[^{}]*\}""")]
    private static partial Regex SeriesLabel();

    [GeneratedRegex("""<path class="path" d="M[-0-9.eE]+,[-0-9.eE]+L""")]
    private static partial Regex PlottedLine();
}
