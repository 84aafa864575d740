using System.Net;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Health;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Integration.Faults;

/// <summary>
/// An outage reads as one story in the log, however often <c>/health</c> is probed and however many attempts it takes:
/// one Warning names the endpoint and the cause, the retries are Information, each change of readiness is one record
/// (the only Error: nothing delivered after the grace period), and the recovery is told once.
/// </summary>
public class OutageLogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_unreachable_feed_logs_its_cause_once_and_each_change_of_readiness_once_however_often_health_is_probed()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        simulator.Faults.RefuseHandshakesWith = 503;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"],
            new Dictionary<string, string> { ["Binance:StartupGrace"] = "00:00:01" });

        // Probed as an orchestrator probes it, all through the outage.
        await Eventually.MatchAsync(() => ingestor.HealthAsync(), health => health.Status == HttpStatusCode.ServiceUnavailable, Timeout,
            "/health says Unhealthy after the grace period");
        for (var probe = 0; probe < 10; probe++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ingestor.HealthAsync()).Status);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await ingestor.WaitForMetricsAsync(m => m.Value("kline_ingestor_connection_attempts_total", ("result", "failure")) >= 3, "several attempts failed",
            Timeout);

        simulator.Faults.Clear();
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(candle);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, candle), "data flows again", Timeout);
        await Eventually.MatchAsync(() => ingestor.HealthAsync(), health => health.Status == HttpStatusCode.OK, Timeout, "/health is back to 200");

        var logs = ingestor.Logs.GetSnapshot();
        var story = string.Join(Environment.NewLine, logs.Select(r => $"{r.Level} {r.Category}: {r.Message}"));
        TestContext.Current.TestOutputHelper?.WriteLine(story);

        // The framework's record of every check of every probe is gone; readiness logged each change once.
        Assert.DoesNotContain(logs, r => r.Category == "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService");
        var readiness = logs.Where(r => r.Category == typeof(DataFlowHealthCheck).FullName).ToList();
        Assert.True(readiness.Count is >= 3 and <= 5, story);
        Assert.StartsWith("Readiness kline-data-flow is Degraded (was not checked yet): Starting", readiness[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, readiness[0].Level);
        // Between probes it may have passed through "waiting for the first kline" unseen.
        Assert.Matches(@"^Readiness kline-data-flow is Healthy \(was (Degraded|Unhealthy)\): All 1 streams are subscribed and have data\.$",
            readiness[^1].Message);
        Assert.Equal(LogLevel.Information, readiness[^1].Level);

        // The only Error: nothing is delivered after the grace period, said once.
        var error = Assert.Single(logs, r => r.Level >= LogLevel.Error);
        Assert.StartsWith("Readiness kline-data-flow is Unhealthy (was Degraded): No stream is being delivered", error.Message, StringComparison.Ordinal);

        // One Warning names the endpoint and the cause; every later attempt is back-off progress at Information.
        var endpoint = EndpointUriOf(simulator);
        var warning = Assert.Single(logs, r => r.Level == LogLevel.Warning && r.Category == typeof(ConnectionSupervisor).FullName);
        Assert.StartsWith($"Cannot stream from {endpoint} (connect_failed): ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("503", warning.Message, StringComparison.Ordinal);
        var retries = logs.Where(r => r.Level == LogLevel.Information && r.Message.Contains("failed (connect_failed)", StringComparison.Ordinal)).ToList();
        Assert.True(retries.Count >= 2, story);
        var recovered = Assert.Single(logs, r => r.Message.StartsWith($"Streaming from {endpoint} again after ", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Contains($"; {retries.Count + 1} connection attempts failed meanwhile", recovered.Message, StringComparison.Ordinal);
    }

    private static Uri EndpointUriOf(BinanceSimulator simulator) => EndpointUri.CombinedStream(simulator.WebSocketBaseUri.ToString());
}
