using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary><c>Binance:Series</c> decides which per-stream series /metrics serves; the ingestor's own metrics always stay.</summary>
public class SeriesSelectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Only_the_selected_series_are_exported_and_the_output_still_passes_promtool()
    {
        ExternalTool.Promtool.Require();
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m", "1h"],
            new Dictionary<string, string> { ["Binance:Series"] = "kline_close_price,feed" });
        await simulator.WaitForSubscribedStreamsAsync(4, Timeout);
        var candle = Candles.Make("BTCUSDT", "1h", 1, closed: true);
        await simulator.PublishAsync(candle);

        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, candle), "the selected close price is exported");

        var perStream = metrics.Samples.Where(s => s.Labels.ContainsKey("symbol")).Select(s => s.Name).ToHashSet();
        Assert.Equal(["kline_candles_closed_total", "kline_close_price", "kline_feed_up", "kline_last_update_timestamp_seconds"], perStream.Order());
        Assert.Equal(4, metrics.All("kline_feed_up").Count());
        Assert.Equal(candle.EventTime / 1000.0, metrics.Kline("kline_last_update_timestamp_seconds", "BTCUSDT", "1h"));
        Assert.Equal(4, metrics.Value("kline_ingestor_configured_streams"));
        Assert.True(metrics.Sum("kline_ingestor_messages_received_total") > 0);
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));

        var (exitCode, output) = await Promtool.CheckMetricsAsync(metrics.Raw);
        Assert.True(exitCode == 0, $"promtool check metrics failed:\n{output}");
        Assert.Equal(string.Empty, output.Trim());
    }
}
