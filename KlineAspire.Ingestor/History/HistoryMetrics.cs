using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Exposition;

namespace KlineAspire.Ingestor.History;

/// <summary>How the history fetch goes: streams by state, candles held, and klines requests by result.</summary>
public sealed class HistoryMetrics
{
    /// <summary>How an import into Prometheus went, as its importer reports it (prometheus/import-history.sh).</summary>
    public static readonly IReadOnlyList<string> ImportResults = ["imported", "partial", "empty", "failed"];

    private readonly Counter<long> _requests;
    private readonly Counter<long> _imports;

    public HistoryMetrics(IMeterFactory meterFactory, HistoryBook book)
    {
        var meter = meterFactory.Create(IngestorTelemetry.MeterName);
        meter.CreateObservableGauge("kline.ingestor.history.streams",
            () => Enum.GetValues<HistoryState>().Select(state => new Measurement<int>(book.Count(state), new KeyValuePair<string, object?>("state", state.Label()))),
            unit: "{stream}", description: "Streams by the state of their REST history (pending, done, failed, skipped), served at /history.");
        meter.CreateObservableGauge("kline.ingestor.history.candles", () => book.Candles, unit: "{candle}",
            description: "Closed candles read from REST history and served at /history.");
        _requests = meter.CreateCounter<long>("kline.ingestor.history.requests", unit: "{request}",
            description: "GET /api/v3/klines requests for history, by result (success, failure, rate_limited, unknown_symbol).");
        _imports = meter.CreateCounter<long>("kline.ingestor.history.imports", unit: "{import}",
            description: "Imports of /history into Prometheus, as the importer reports them, by result (imported, partial, empty, failed: promtool failed).");
    }

    public void Import(string result) => _imports.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Request(string result) => _requests.Add(1, new KeyValuePair<string, object?>("result", result));
}
