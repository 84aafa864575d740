using System.Collections.Concurrent;
using System.Diagnostics;
using KlineAspire.Ingestor.Telemetry;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using KlineAspire.Tests.Simulator;

namespace KlineAspire.Tests.Integration;

/// <summary>What an operator sees in traces: one activity per connection lifecycle, with its subscribe step inside.</summary>
public class ObservabilityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_connection_lifecycle_is_one_trace_with_its_subscription_and_end_reason()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IngestorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, TestContext.Current.CancellationToken);
        await using (var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m"]))
        {
            await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
            var attempts = simulator.ConnectionAttempts;
            simulator.AbortAllConnections();
            await Eventually.MatchAsync(() => Task.FromResult(simulator.ConnectionAttempts), a => a > attempts, Timeout, "the ingestor reconnects");
            await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        }

        // Other tests run ingestors in parallel: keep only this simulator's connections.
        var connections = stopped.Where(a => a.OperationName == "binance.connection"
            && (a.GetTagItem("url.full") as string)?.Contains(simulator.WebSocketBaseUri.Authority, StringComparison.Ordinal) == true).ToList();
        Assert.True(connections.Count >= 2, $"{connections.Count} connection activities");
        var dropped = connections.First();
        Assert.Equal(ActivityKind.Client, dropped.Kind);
        Assert.Equal("lost", dropped.GetTagItem("kline.disconnect.reason"));
        Assert.Equal(ActivityStatusCode.Error, dropped.Status);
        Assert.Contains(dropped.Events, e => e.Name == "subscribed");
        Assert.Equal(2, dropped.GetTagItem("kline.streams"));
        Assert.All(connections, connection => Assert.Contains(stopped, s =>
            s.OperationName == "binance.subscribe" && s.ParentSpanId == connection.SpanId && s.TraceId == connection.TraceId));
        Assert.Equal(connections.Count, connections.Select(c => c.TraceId).Distinct().Count());
    }
}
