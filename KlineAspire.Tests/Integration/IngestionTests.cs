using System.Net;
using System.Net.WebSockets;
using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>The ingestor against the Binance-compatible simulator: values, garbage, staleness and health.</summary>
public class IngestionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static Task<BinanceSimulator> StartSimulatorAsync(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions { UpdatePeriod = TimeSpan.Zero };
        configure?.Invoke(options);
        return BinanceSimulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Sample_frames_and_generated_candles_reach_metrics_exactly()
    {
        await using var simulator = await StartSimulatorAsync();
        var symbols = new[] { "BNBUSDT", "XRPUSDT" }.Concat(Enumerable.Range(0, 48).Select(i => $"GEN{i}USDT")).ToArray();
        string[] intervals = ["1m", "1M"];
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, intervals);
        await simulator.WaitForSubscribedStreamsAsync(symbols.Length * intervals.Length, Timeout);

        // The two sample frames of the protocol notes, field for field, moved to the current minute: the ingestor
        // rejects updates stamped far from their receipt, and a 2022 candle would long have rolled over.
        var bnb = new KlineCandle("BNBUSDT", "1m", 1647220248756, 1647220200000, 1647220259999, 527449288, 527449503,
            364.6m, 364.3m, 364.6m, 364.2m, 458.544m, 216, false, 167076.6803m, 183.994m, 67043.535m);
        var xrp = new KlineCandle("XRPUSDT", "1m", 1647220380568, 1647220320000, 1647220379999, 429501724, 429501859,
            0.7586m, 0.7592m, 0.7592m, 0.7586m, 81089m, 136, true, 61541.6057m, 63081m, 47874.4521m);
        Assert.Equal(SampleFrames.BnbUsdt, bnb.ToRawJson());
        Assert.Equal(SampleFrames.XrpUsdt, xrp.ToRawJson());
        bnb = Candles.Now(bnb);
        xrp = Candles.Now(xrp);
        var generated = symbols.Skip(2).SelectMany(symbol => intervals.Select(interval => Candles.Make(symbol, interval, 3))).ToList();
        foreach (var candle in generated.Prepend(xrp).Prepend(bnb))
        {
            await simulator.PublishAsync(candle);
        }

        var metrics = await ingestor.WaitForMetricsAsync(m => generated.Append(bnb).Append(xrp).All(c => MetricsAssert.HasClose(m, c)),
            "every stream shows its close price");
        MetricsAssert.ShowsCandle(metrics, bnb);
        MetricsAssert.ShowsCandle(metrics, xrp);
        Assert.Equal(364.3, metrics.Kline("kline_close_price", "BNBUSDT", "1m"));
        Assert.Equal(bnb.EventTime / 1000.0, metrics.Kline("kline_last_update_timestamp_seconds", "BNBUSDT", "1m"));
        Assert.Equal(1, metrics.Kline("kline_candles_closed_total", "XRPUSDT", "1m"));
        // BNB's candle is still forming, unless the minute ended before the scrape: then it has closed by rollover.
        var bnbRolledOver = metrics.Kline("kline_open_time_seconds", "BNBUSDT", "1m") > bnb.OpenTime / 1000.0;
        Assert.Equal(bnbRolledOver ? 1 : 0, metrics.Kline("kline_candles_closed_total", "BNBUSDT", "1m"));
        Assert.Null(metrics.Kline("kline_close_price", "BNBUSDT", "1M"));
        foreach (var candle in generated)
        {
            MetricsAssert.ShowsCandle(metrics, candle);
        }

        Assert.Equal(100, metrics.Value("kline_ingestor_configured_streams"));
        Assert.Equal(100, metrics.Value("kline_ingestor_subscribed_streams"));
        Assert.Equal(1, metrics.Value("kline_ingestor_connections"));
        Assert.True(metrics.Sum("kline_ingestor_lag_seconds_count") >= generated.Count + 2);
        Assert.DoesNotContain(metrics.Samples, sample => sample.Labels.ContainsKey("otel_metric_overflow"));
    }

    [Fact]
    public async Task Garbage_frames_are_counted_and_good_data_around_them_is_untouched()
    {
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

        var before = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(before);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, before), "the first good candle arrives");

        var badPrice = Candles.Make("BTCUSDT", "1m", 2).ToCombinedJson().Replace("\"c\":\"", "\"c\":\"x");
        await simulator.SendTextToAllAsync("this is not json");
        await simulator.SendTextToAllAsync("{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"e\":\"kline\",\"E\":1");
        await simulator.SendTextToAllAsync(badPrice);
        await simulator.SendTextToAllAsync(Candles.Make("DOGEUSDT", "1m", 1).ToCombinedJson());
        await simulator.SendTextToAllAsync("{\"e\":\"trade\",\"E\":1}");
        // Invalid UTF-8 in a *text* frame makes the WebSocket client close the connection (RFC 6455 requires it; see
        // FaultTests); inside a binary frame it reaches the parser, which must reject it.
        await simulator.SendBytesToAllAsync([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], WebSocketMessageType.Binary);
        await simulator.SendBytesToAllAsync([1, 2, 3], WebSocketMessageType.Binary);

        var eth = Candles.Make("ETHUSDT", "1m", 5);
        await simulator.SendFragmentedAsync(eth, fragments: 7);

        var metrics = await ingestor.WaitForMetricsAsync(
            m => MetricsAssert.HasClose(m, eth) && m.Sum("kline_ingestor_invalid_frames_total") >= 7,
            "the fragmented candle arrives and all garbage is counted");
        MetricsAssert.ShowsCandle(metrics, before);
        MetricsAssert.ShowsCandle(metrics, eth);
        // Websocket.Client cannot tell binary from text frames once text conversion is off; the binary frame is invalid JSON.
        Assert.Equal(3, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "invalid_json")));
        Assert.Equal(1, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "invalid_value")));
        Assert.Equal(1, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "unknown_stream")));
        Assert.Equal(1, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "unknown_event")));
        Assert.Equal(1, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "invalid_utf8")));

        // Garbage never costs the connection.
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(1, simulator.OpenConnections);
        Assert.Equal(HttpStatusCode.OK, (await ingestor.HealthAsync("/alive")).Status);

        // Frame content never reaches logs at Information or above (it goes to Debug, truncated).
        Assert.DoesNotContain(ingestor.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information
            && (r.Message.Contains("this is not json", StringComparison.Ordinal) || r.Message.Contains("DOGEUSDT", StringComparison.Ordinal)));

        // Logged, but not once per frame.
        var warnings = ingestor.Logs.GetSnapshot().Where(r => r.Message.Contains("invalid frame", StringComparison.Ordinal)).ToList();
        Assert.InRange(warnings.Count(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning), 1, 2);
    }

    [Fact]
    public async Task An_update_stamped_far_from_now_is_rejected_and_cannot_freeze_its_stream()
    {
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1h"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        var first = Candles.Make("BTCUSDT", "1h", 1);
        await simulator.PublishAsync(first);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, first), "the first update arrives");

        // A day in the future: were it stored, every real update after it would look older and be ignored.
        var future = Candles.Make("BTCUSDT", "1h", 2) with { EventTime = first.EventTime + 86_400_000 };
        var opensLater = Candles.Make("BTCUSDT", "1h", 3) with { OpenTime = first.OpenTime + 10 * 3_600_000, CloseTime = first.OpenTime + 11 * 3_600_000 - 1 };
        await simulator.PublishAsync(future);
        await simulator.PublishAsync(opensLater);
        var real = Candles.Make("BTCUSDT", "1h", 4);
        await simulator.PublishAsync(real);

        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, real), "the next real update is applied");
        MetricsAssert.ShowsCandle(metrics, real);
        Assert.Equal(2, metrics.Sum("kline_ingestor_invalid_frames_total", ("reason", "invalid_value")));
    }

    [Fact]
    public async Task A_utc8_stream_is_told_apart_from_its_utc_twin_and_labelled_with_its_suffix()
    {
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1d", "1d@+08:00"]);
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        Assert.Contains("btcusdt@kline_1d@+08:00", simulator.SubscribedStreams);

        var calendar = KlineCalendar.Parse("1d@+08:00");
        var utc = Candles.Make("BTCUSDT", "1d", 1);
        // Same payload shape (k.i is "1d"); only the combined wrapper's stream name says UTC+8.
        var utc8Open = calendar.OpenTimeAt(utc.EventTime);
        var utc8 = Candles.Make("BTCUSDT", "1d", 2) with { OpenTime = utc8Open, CloseTime = calendar.CloseTime(utc8Open), TimeZoneSuffix = "@+08:00" };
        await simulator.PublishAsync(utc);
        await simulator.PublishAsync(utc8);

        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, utc)
            && m.Kline("kline_close_price", "BTCUSDT", "1d@+08:00") == Candles.AsDouble(utc8.Close), "both streams show their own close");
        MetricsAssert.ShowsCandle(metrics, utc);
        Assert.Equal(utc8Open / 1000.0, metrics.Kline("kline_open_time_seconds", "BTCUSDT", "1d@+08:00"));
        Assert.Equal(utc.OpenTime - 8 * 3_600_000 + (utc.EventTime % 86_400_000 >= 16 * 3_600_000 ? 86_400_000 : 0), utc8Open);
        Assert.Equal(0, metrics.Sum("kline_ingestor_invalid_frames_total"));
    }

    [Fact]
    public async Task Metrics_output_passes_promtool()
    {
        ExternalTool.Promtool.Require();
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m", "1h"]);
        await simulator.WaitForSubscribedStreamsAsync(4, Timeout);
        var candle = Candles.Make("BTCUSDT", "1h", 1, closed: true);
        await simulator.PublishAsync(candle);
        await simulator.SendTextToAllAsync("garbage");
        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, candle) && m.Sum("kline_ingestor_lag_seconds_count") > 0,
            "a candle and a lag sample are exported");

        var (exitCode, output) = await Promtool.CheckMetricsAsync(metrics.Raw);
        Assert.True(exitCode == 0, $"promtool check metrics failed:\n{output}");
        Assert.Equal(string.Empty, output.Trim());

        // Labels are labels: no symbol or interval is baked into a metric name.
        Assert.DoesNotContain(metrics.Samples,
            s => s.Name.Contains("btcusdt", StringComparison.OrdinalIgnoreCase) || s.Name.Contains("_1h", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_prometheus_returns_the_close_price_per_symbol_and_interval()
    {
        ExternalTool.Prometheus.Require();
        await using var simulator = await StartSimulatorAsync();
        string[] symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
        string[] intervals = ["1m", "5m"];
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, intervals);
        await simulator.WaitForSubscribedStreamsAsync(6, Timeout);
        var candles = symbols.SelectMany(s => intervals.Select(i => Candles.Make(s, i, 11))).ToList();
        foreach (var candle in candles)
        {
            await simulator.PublishAsync(candle);
        }

        await using var prometheus = await PrometheusServer.StartAsync("ingestor", ingestor.BaseAddress, TimeSpan.FromMilliseconds(500));
        var series = await Eventually.MatchAsync(
            () => prometheus.QueryAsync("kline_close_price"),
            result => result.Count == candles.Count
                && candles.All(c => result.Any(
                    r => r.Labels["symbol"] == c.Symbol && r.Labels["interval"] == c.Interval && r.Value == Candles.AsDouble(c.Close))),
            Timeout, "Prometheus has every stream's close price");
        Assert.All(series, s => Assert.Equal("ingestor", s.Labels["job"]));

        var up = await prometheus.QueryAsync("up{job=\"ingestor\"}");
        Assert.Equal(1, Assert.Single(up).Value);
        var btc5m = await prometheus.QueryAsync("kline_close_price{symbol=\"BTCUSDT\",interval=\"5m\"}");
        Assert.Equal(Candles.AsDouble(candles.Single(c => c.Symbol == "BTCUSDT" && c.Interval == "5m").Close), Assert.Single(btc5m).Value);
    }
}
