using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Parsing;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>Metrics about the ingestor itself: connections, reconnects, messages, invalid frames and lag.</summary>
public sealed class IngestorMetrics
{
    private static readonly double[] LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _connectionAttempts;
    private readonly Counter<long> _invalidFrames;
    private readonly Counter<long> _probes;
    private readonly Counter<long> _supervisorRestarts;
    private readonly Histogram<double> _lag;
    private long _messagesReceived;
    private int _openConnections;
    private int _subscribedStreams;

    public IngestorMetrics(IMeterFactory meterFactory, KlineStore store, IOptions<BinanceOptions> options, TimeProvider time)
    {
        var meter = meterFactory.Create(IngestorTelemetry.MeterName);
        var staleAfterMs = (long)options.Value.StaleAfter.TotalMilliseconds;

        meter.CreateObservableGauge("kline.ingestor.connections", () => Volatile.Read(ref _openConnections), unit: "{connection}",
            description: "Open WebSocket connections to Binance.");
        meter.CreateObservableGauge("kline.ingestor.configured_streams", () => store.Count, unit: "{stream}",
            description: "Streams in the configuration (symbols x intervals).");
        meter.CreateObservableGauge("kline.ingestor.subscribed_streams", () => Volatile.Read(ref _subscribedStreams), unit: "{stream}",
            description: "Streams whose subscription Binance acknowledged on an open connection.");
        meter.CreateObservableGauge("kline.ingestor.stale_streams", () => store.Census(time.GetUtcNow().ToUnixTimeMilliseconds(), staleAfterMs).Stale,
            unit: "{stream}", description: "Configured streams without a price to serve: never updated, or their connection lost for longer than StaleAfter.");
        meter.CreateObservableCounter("kline.ingestor.messages_received", () => Volatile.Read(ref _messagesReceived), unit: "{message}",
            description: "WebSocket messages received from Binance.");
        _reconnects = meter.CreateCounter<long>("kline.ingestor.reconnects", unit: "{reconnect}", description: "Connections replaced, by reason.");
        _connectionAttempts = meter.CreateCounter<long>("kline.ingestor.connection_attempts", unit: "{attempt}",
            description: "Connection attempts (handshake and subscription), by result.");
        _invalidFrames = meter.CreateCounter<long>("kline.ingestor.invalid_frames", unit: "{frame}", description: "Frames rejected, by reason.");
        _probes = meter.CreateCounter<long>("kline.ingestor.probes", unit: "{probe}",
            description: "LIST_SUBSCRIPTIONS probes of silent connections, by result (alive, resubscribed, failed).");
        _supervisorRestarts = meter.CreateCounter<long>("kline.ingestor.supervisor_restarts", unit: "{restart}",
            description: "Connection supervisors restarted after an unexpected failure (a defect; should stay 0).");
        _lag = meter.CreateHistogram("kline.ingestor.lag", unit: "s", description: "Delay from the exchange event time to receipt.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
    }

    public long MessagesReceived => Volatile.Read(ref _messagesReceived);

    public int OpenConnections => Volatile.Read(ref _openConnections);

    public int SubscribedStreams => Volatile.Read(ref _subscribedStreams);

    public void MessageReceived() => Interlocked.Increment(ref _messagesReceived);

    public void ConnectionOpened() => Interlocked.Increment(ref _openConnections);

    public void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    public void StreamsSubscribed(int count) => Interlocked.Add(ref _subscribedStreams, count);

    public void Reconnect(string reason) => _reconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ConnectionAttempt(bool succeeded) =>
        _connectionAttempts.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure"));

    public void InvalidFrame(InvalidFrameReason reason) =>
        _invalidFrames.Add(1, new KeyValuePair<string, object?>("reason", reason.ToLabel()));

    public void RecordLag(double seconds) => _lag.Record(seconds);

    public void Probe(string result) => _probes.Add(1, new KeyValuePair<string, object?>("result", result));

    public void SupervisorRestarted() => _supervisorRestarts.Add(1);
}
