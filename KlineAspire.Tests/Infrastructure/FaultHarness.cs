using System.Net;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A simulator and a real ingestor wired together for one fault case, with short timeouts so that every case
/// finishes within seconds, and the checks every case ends with: good data intact, process healthy.
/// </summary>
internal sealed class FaultHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private int _sequence;

    private FaultHarness(BinanceSimulator simulator, RunningIngestor ingestor, string[] symbols, string[] intervals)
    {
        Simulator = simulator;
        Ingestor = ingestor;
        Symbols = symbols;
        Intervals = intervals;
    }

    public BinanceSimulator Simulator { get; }

    public RunningIngestor Ingestor { get; }

    public string[] Symbols { get; }

    public string[] Intervals { get; }

    public int StreamCount => Symbols.Length * Intervals.Length;

    public static async Task<FaultHarness> StartAsync(
        string[] symbols,
        string[]? intervals = null,
        IDictionary<string, string>? settings = null,
        Action<SimulatorOptions>? simulatorOptions = null)
    {
        intervals ??= ["1m"];
        var options = new SimulatorOptions { UpdatePeriod = TimeSpan.Zero };
        simulatorOptions?.Invoke(options);
        var simulator = await BinanceSimulator.StartAsync(options, TestContext.Current.CancellationToken);
        try
        {
            var merged = new Dictionary<string, string>
            {
                ["Binance:SubscribeTimeout"] = "00:00:02",
                ["Binance:ConnectTimeout"] = "00:00:02",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                merged[key] = value;
            }

            var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, intervals, merged);
            var harness = new FaultHarness(simulator, ingestor, symbols, intervals);
            await simulator.WaitForSubscribedStreamsAsync(harness.StreamCount, Timeout);
            return harness;
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new candle, with a later event time and different values than every earlier one of its stream.</summary>
    public KlineCandle Next(string symbol, string? interval = null) => Candles.Make(symbol, interval ?? Intervals[0], Interlocked.Increment(ref _sequence));

    /// <summary>Publishes one new candle per listed symbol (every symbol by default) and waits until all are exported.</summary>
    public async Task<List<KlineCandle>> PublishAndAwaitAsync(string because, params string[] symbols)
    {
        var round = (symbols.Length == 0 ? Symbols : symbols).SelectMany(s => Intervals.Select(i => Next(s, i))).ToList();
        foreach (var candle in round)
        {
            await Simulator.PublishAsync(candle);
        }

        await Ingestor.WaitForMetricsAsync(m => round.All(c => MetricsAssert.HasClose(m, c)), because, Timeout);
        return round;
    }

    public Task WaitForAttemptsAsync(int moreThan, string because) =>
        Eventually.MatchAsync(() => Task.FromResult(Simulator.ConnectionAttempts), attempts => attempts > moreThan, Timeout, because);

    /// <summary>Waits until the ingestor is back to exactly one subscribed connection per planned connection.</summary>
    public async Task WaitForRecoveryAsync(int connections = 1)
    {
        await Simulator.WaitForSubscribedStreamsAsync(StreamCount, Timeout);
        await Eventually.MatchAsync(() => Task.FromResult(Simulator.OpenConnections), open => open == connections, Timeout,
            $"{connections} open connection(s) on the server");
        await Ingestor.WaitForMetricsAsync(
            m => m.Value("kline_ingestor_connections") == connections && m.Value("kline_ingestor_subscribed_streams") == StreamCount,
            "the ingestor reports its connections subscribed again", Timeout);
    }

    /// <summary>
    /// The end of every case: each candle shows exactly (updates after the fault and untouched ones from before),
    /// the process is alive and /health is back to 200.
    /// </summary>
    public async Task<MetricsText> AssertIntactAndHealthyAsync(IEnumerable<KlineCandle> expected)
    {
        var candles = expected.ToList();
        var metrics = await Ingestor.WaitForMetricsAsync(m => candles.All(c => MetricsAssert.HasClose(m, c)), "every expected candle is exported", Timeout);
        foreach (var candle in candles)
        {
            MetricsAssert.ShowsCandle(metrics, candle);
        }

        Assert.Equal(HttpStatusCode.OK, (await Ingestor.HealthAsync("/alive")).Status);
        await Eventually.MatchAsync(() => Ingestor.HealthAsync(), health => health.Status == HttpStatusCode.OK, Timeout, "/health is back to 200");
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.ContainsKey("otel_metric_overflow"));
        Assert.Equal(0, Simulator.RateLimitViolations);
        Assert.Equal(0, Simulator.RefusedConnectionAttempts);
        return metrics;
    }

    public async ValueTask DisposeAsync()
    {
        await Ingestor.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
