using System.Collections.Concurrent;
using System.Diagnostics;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// What an operator sees in traces while the ingestor runs: each step of a connection's life (connect, subscribe,
/// probe, rotation, reconnect) is a completed span as soon as the step is done, with the connection's name, its
/// stream count and the outcome, linked to the span of the connection's whole lifetime.
/// </summary>
public class ObservabilityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Connection_steps_are_completed_spans_linked_to_the_connection_lifetime_while_it_runs()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IngestorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        List<Activity> steps;
        await using (var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1h"],
            new Dictionary<string, string> { ["Binance:NoDataTimeout"] = "00:00:01" }))
        {
            await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
            var attempts = simulator.ConnectionAttempts;
            simulator.AbortAllConnections();
            await Eventually.MatchAsync(() => Task.FromResult(simulator.ConnectionAttempts), a => a > attempts, Timeout, "the ingestor reconnects");
            await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

            // Still running: the steps so far are already complete, the second connection's lifetime is not.
            var mine = await Eventually.MatchAsync(() => Task.FromResult(OfThisSimulator(stopped, simulator)),
                spans => spans.Count(s => s.OperationName == "binance.subscribe") >= 2 && spans.Any(s => s.OperationName == "binance.probe"),
                Timeout, "both subscriptions and a probe of the silent connection are reported while the ingestor runs");
            steps = mine;
            Assert.Single(mine, s => s.OperationName == "binance.connection");
        }

        var lifetimes = OfThisSimulator(stopped, simulator).Where(a => a.OperationName == "binance.connection").ToList();
        Assert.Equal(2, lifetimes.Count);
        var dropped = lifetimes[0];
        Assert.Equal(ActivityKind.Client, dropped.Kind);
        Assert.Equal("lost", dropped.GetTagItem("kline.disconnect.reason"));
        Assert.Equal(ActivityStatusCode.Error, dropped.Status);
        Assert.Equal("shutdown", lifetimes[1].GetTagItem("kline.disconnect.reason"));

        foreach (var (name, outcome) in new[] { ("binance.connect", "connected"), ("binance.subscribe", "subscribed"), ("binance.reconnect", "lost"),
            ("binance.probe", "alive") })
        {
            var step = steps.First(s => s.OperationName == name);
            Assert.Equal(outcome, step.GetTagItem("kline.outcome"));
            Assert.Equal(2, step.GetTagItem("kline.streams"));
            Assert.StartsWith("c0.", step.GetTagItem("kline.connection") as string);
            // Its own trace, linked to its connection's lifetime.
            Assert.Equal(default, step.ParentSpanId);
            var link = Assert.Single(step.Links);
            Assert.Contains(lifetimes, l => l.SpanId == link.Context.SpanId && l.TraceId == link.Context.TraceId
                && (string?)l.GetTagItem("kline.connection") == (string?)step.GetTagItem("kline.connection"));
        }
    }

    private static List<Activity> OfThisSimulator(IEnumerable<Activity> activities, BinanceSimulator simulator)
    {
        // Other tests run ingestors in parallel: keep only the spans linked to this simulator's connections.
        var all = activities.ToList();
        var lifetimes = all.Where(a => a.OperationName == "binance.connection"
            && (a.GetTagItem("url.full") as string)?.Contains(simulator.WebSocketBaseUri.Authority, StringComparison.Ordinal) == true).ToList();
        var steps = all.Where(a => a.OperationName != "binance.connection"
            && (a.GetTagItem("url.full") as string)?.Contains(simulator.WebSocketBaseUri.Authority, StringComparison.Ordinal) == true).ToList();
        return [.. lifetimes, .. steps];
    }
}
