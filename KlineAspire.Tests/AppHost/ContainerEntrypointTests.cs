using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using KlineAspire.Tests.Simulator;

namespace KlineAspire.Tests.AppHost;

/// <summary>
/// The container image's entrypoint, run here against the local Prometheus binary (no Docker on this machine): the
/// rendered template scrapes the ingestor it is pointed at and loads every shipped rule, as in Azure Container Apps.
/// </summary>
public class ContainerEntrypointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_image_entrypoint_scrapes_the_ingestor_target_and_loads_the_rules()
    {
        Promtool.RequireInstalled(PrometheusServer.Binary);
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 42);
        await simulator.PublishAsync(candle);

        await using var prometheus = await PrometheusServer.StartThroughContainerEntrypointAsync(ingestor.BaseAddress.Authority, "500ms");

        var series = await Eventually.MatchAsync(() => prometheus.QueryAsync("kline_close_price"), r => r.Count == 1, Timeout, "the entrypoint's Prometheus scrapes the ingestor");
        Assert.Equal(Candles.AsDouble(candle.Close), series[0].Value);
        Assert.Equal("ingestor", series[0].Labels["job"]);
        var rules = await prometheus.Http.GetStringAsync("/api/v1/rules", TestContext.Current.CancellationToken);
        foreach (var alert in new[] { "KlineFeedStale", "KlineIngestorDown", "KlineReconnectStorm", "KlineInvalidFrameRate", "KlineIngestLagHigh" })
        {
            Assert.Contains($"\"name\":\"{alert}\"", rules);
        }

        Assert.DoesNotContain("\"health\":\"err\"", rules);
    }
}
