using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Exposition;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>How reading exchangeInfo goes: refreshes by result, the last success, and the request weight used on the address.</summary>
public sealed class SymbolRefreshMetrics
{
    private readonly Counter<long> _refreshes;

    public SymbolRefreshMetrics(IMeterFactory meterFactory, SymbolRefreshState state, RestWeightBudget budget, StreamCatalog catalog)
    {
        var meter = meterFactory.Create(IngestorTelemetry.MeterName);
        _refreshes = meter.CreateCounter<long>("kline.ingestor.symbol_refreshes", unit: "{refresh}",
            description: "Reads of exchangeInfo to select symbols, by result (success, failure) and, for failures, reason (http_status, transport, "
                + "timeout, unreadable). After a failure the last known set stays in force.");
        meter.CreateObservableGauge("kline.ingestor.symbol_refresh.last_success_timestamp",
            () => state.LastSuccess is { } at ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "When exchangeInfo was last read and applied, Unix seconds; absent until the first success.");
        meter.CreateObservableGauge("kline.ingestor.rest.used_weight", () => budget.UsedWeight, unit: "{weight}",
            description: "REST request weight the IP address had used in the current minute, as Binance last reported it (X-MBX-USED-WEIGHT-1M).");
        meter.CreateObservableGauge("kline.ingestor.deferred_streams", () => catalog.Deferred, unit: "{stream}",
            description: "Selected streams not subscribed because this run's room for distinct streams (sized at startup: symbols selected then + "
                + "Binance:ListingHeadroom) is taken; they join at the next start.");
    }

    public void Succeeded() => _refreshes.Add(1, new KeyValuePair<string, object?>("result", "success"));

    public void Failed(ExchangeInfoFailure failure) =>
        _refreshes.Add(1, new KeyValuePair<string, object?>("result", "failure"), new KeyValuePair<string, object?>("reason", failure.Label()));
}
