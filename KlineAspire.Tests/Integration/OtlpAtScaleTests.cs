using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// The ingestor's OTLP metric exports against a receiver with the Aspire dashboard's 4 MiB limit. At 8,000 streams the
/// market data alone is past that limit; health, runtime and HTTP metrics must get through at any scale.
/// </summary>
public class OtlpAtScaleTests
{
    private static readonly TimeSpan ExportInterval = TimeSpan.FromMilliseconds(500);
    private static readonly string[] AllIntervals = ["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"];
    private static readonly string[] OwnInstruments = ["kline.ingestor.messages_received", "kline.ingestor.connections", "kline.ingestor.lag",
        "dotnet.gc.collections", "http.server.request.duration"];

    [Fact]
    public async Task At_8000_streams_every_export_reaches_the_dashboard_with_health_runtime_and_http_but_no_market_data()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var run = await WholeMarketAsync(receiver, symbols: 500, settings: []);

        var exports = await ExportsAfterAsync(receiver, run.DataSince, count: 3);

        Assert.DoesNotContain(receiver.MetricsExports, export => !export.Accepted);
        TestContext.Current.TestOutputHelper?.WriteLine($"exports: {string.Join(", ", exports.Select(e => $"{e.Bytes:N0}"))} bytes");
        foreach (var export in exports)
        {
            Assert.All(OwnInstruments,
                instrument => Assert.True(export.Mentions(instrument), $"{instrument} is missing from an export of {export.Bytes:N0} bytes"));
            Assert.False(export.Mentions("kline.close.price"), "market data went over OTLP above the cut");
            Assert.False(export.Mentions("kline.feed.up"), "market data went over OTLP above the cut");
        }
    }

    [Fact]
    public async Task At_8000_streams_without_the_cut_the_exports_exceed_the_dashboards_limit()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var run = await WholeMarketAsync(receiver, symbols: 500,
            settings: new() { ["Binance:OtlpMarketSeriesLimit"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var refused = await Eventually.MatchAsync(
            () => Task.FromResult(receiver.MetricsExports.FirstOrDefault(export => !export.Accepted && export.ReceivedAt > run.DataSince)),
            export => export is not null, TimeSpan.FromSeconds(30), "an export with every stream's market data is refused");
        Assert.True(refused!.Bytes > OtlpReceiver.DashboardMaxRequestBytes);
        TestContext.Current.TestOutputHelper?.WriteLine($"refused export: {refused.Bytes:N0} bytes");
    }

    [Fact]
    public async Task With_patterns_the_cut_is_taken_on_the_runs_room_before_any_stream_exists()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // Nothing is subscribed when the decision is taken: the 8,000 streams come from exchangeInfo through the pattern.
        await using var run = await WholeMarketAsync(receiver, symbols: 500, settings: [], pattern: true);

        var exports = await ExportsAfterAsync(receiver, run.DataSince, count: 3);

        Assert.DoesNotContain(receiver.MetricsExports, export => !export.Accepted);
        Assert.All(exports, export =>
        {
            Assert.False(export.Mentions("kline.close.price"), "market data went over OTLP although the run has room for 8,000+ streams");
            Assert.True(export.Mentions("kline.ingestor.messages_received"));
        });
        Assert.Contains(run.Ingestor.Logs.GetSnapshot(),
            r => r.Message.Contains($"at most {(500 + 200) * AllIntervals.Length * 21:D} per-stream series this run", StringComparison.Ordinal)
                && r.Message.EndsWith("left out (Prometheus only).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Below_the_cut_market_data_goes_over_otlp_too()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // The dashboard files metrics under their resource: the ingestor's own provider must name the same service.
        await using var run = await WholeMarketAsync(receiver, symbols: 2, settings: new() { ["OTEL_SERVICE_NAME"] = "ingestor-under-test" });

        var exports = await ExportsAfterAsync(receiver, run.DataSince, count: 2);

        Assert.DoesNotContain(receiver.MetricsExports, export => !export.Accepted);
        TestContext.Current.TestOutputHelper?.WriteLine($"exports: {string.Join(", ", exports.Select(e => $"{e.Bytes:N0}"))} bytes");
        Assert.All(exports, export =>
        {
            Assert.True(export.Mentions("kline.close.price"), "market data is missing below the cut");
            Assert.True(export.Mentions("kline.ingestor.messages_received"));
            Assert.True(export.Mentions("ingestor-under-test"), "the export does not carry the configured service name");
        });
    }

    /// <summary>Every interval of <paramref name="symbols"/> symbols, each stream with a candle in /metrics.</summary>
    /// <param name="pattern">Select the symbols with <c>*USDT</c> over the simulator's exchangeInfo instead of naming them.</param>
    private static async Task<ScaleRun> WholeMarketAsync(OtlpReceiver receiver, int symbols, Dictionary<string, string> settings, bool pattern = false)
    {
        var names = Enumerable.Range(0, symbols).Select(i => $"S{i:D4}USDT").ToArray();
        var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero, Symbols = [.. names] },
            TestContext.Current.CancellationToken);
        var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, pattern ? ["*USDT"] : names, AllIntervals,
            new Dictionary<string, string>(receiver.IngestorSettings(ExportInterval).Concat(settings).Concat(RestSettings.Of(simulator))));
        var streams = names.Length * AllIntervals.Length;
        await simulator.WaitForSubscribedStreamsAsync(streams, TimeSpan.FromSeconds(60));
        foreach (var name in names)
        {
            foreach (var interval in AllIntervals)
            {
                await simulator.PublishAsync(Candles.Make(name, interval, 1));
            }
        }

        await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == streams, $"all {streams} streams have data", TimeSpan.FromSeconds(60));
        return new ScaleRun(simulator, ingestor, DateTimeOffset.UtcNow);
    }

    private static async Task<IReadOnlyList<OtlpReceiver.MetricsExport>> ExportsAfterAsync(OtlpReceiver receiver, DateTimeOffset since, int count)
    {
        var exports = await Eventually.MatchAsync(
            () => Task.FromResult(receiver.MetricsExports.Where(export => export.ReceivedAt > since).ToList()),
            list => list.Count >= count, TimeSpan.FromSeconds(30), $"{count} metric exports after every stream had data");
        return exports;
    }

    private sealed record ScaleRun(BinanceSimulator Simulator, RunningIngestor Ingestor, DateTimeOffset DataSince) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Ingestor.DisposeAsync();
            await Simulator.DisposeAsync();
        }
    }
}
