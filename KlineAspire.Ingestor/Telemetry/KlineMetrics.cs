using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Storage;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Telemetry;

/// <summary>
/// Market-data instruments. One observable callback per metric walks the store once per collect; a stream that
/// has gone stale is left out of the price, volume and trade gauges, so Prometheus marks those series stale
/// instead of showing an old price as live. Its last-update timestamp and closed-candle counter stay.
/// </summary>
public sealed class KlineMetrics
{
    private readonly KlineStore _store;
    private readonly TimeProvider _time;
    private readonly long _staleAfterMs;

    public KlineMetrics(IMeterFactory meterFactory, KlineStore store, IOptions<BinanceOptions> options, TimeProvider time)
    {
        _store = store;
        _time = time;
        _staleAfterMs = (long)options.Value.StaleAfter.TotalMilliseconds;
        var meter = meterFactory.Create(IngestorTelemetry.MeterName);

        // No unit on prices and volumes: the exporter turns a unit into a name suffix, and a quote asset is no unit of Prometheus'.
        meter.CreateObservableGauge("kline.open.price", () => ObserveFresh(static slot => slot.Open), description: "Open price of the candle currently forming.");
        meter.CreateObservableGauge("kline.high.price", () => ObserveFresh(static slot => slot.High), description: "High price of the candle currently forming.");
        meter.CreateObservableGauge("kline.low.price", () => ObserveFresh(static slot => slot.Low), description: "Low price of the candle currently forming.");
        meter.CreateObservableGauge("kline.close.price", () => ObserveFresh(static slot => slot.Close), description: "Last (close) price of the candle currently forming.");
        meter.CreateObservableGauge("kline.base.volume", () => ObserveFresh(static slot => slot.BaseVolume), description: "Base asset volume of the candle currently forming.");
        meter.CreateObservableGauge("kline.quote.volume", () => ObserveFresh(static slot => slot.QuoteVolume), description: "Quote asset volume of the candle currently forming.");
        meter.CreateObservableGauge("kline.taker_buy_base.volume", () => ObserveFresh(static slot => slot.TakerBuyBaseVolume), description: "Taker buy base asset volume of the candle currently forming.");
        meter.CreateObservableGauge("kline.taker_buy_quote.volume", () => ObserveFresh(static slot => slot.TakerBuyQuoteVolume), description: "Taker buy quote asset volume of the candle currently forming.");
        meter.CreateObservableGauge("kline.trades", () => ObserveFresh(static slot => slot.Trades), unit: "{trade}", description: "Number of trades in the candle currently forming.");
        meter.CreateObservableGauge("kline.open_time", () => ObserveFresh(static slot => slot.OpenTime / 1000.0), unit: "s", description: "Open time of the candle currently forming, Unix seconds.");
        meter.CreateObservableGauge("kline.last_update_timestamp", () => ObserveAll(static slot => slot.EventTime / 1000.0), unit: "s", description: "Exchange event time of the stream's last update, Unix seconds. Kept when the stream goes stale, for alerting.");
        meter.CreateObservableCounter("kline.candles_closed", () => ObserveAll(static slot => slot.ClosedCandles), unit: "{candle}", description: "Candles seen closing (final update, x=true).");
    }

    private IEnumerable<Measurement<T>> ObserveFresh<T>(Func<StreamSlot, T> value) where T : struct
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var slot in _store.Slots)
        {
            if (slot.IsFresh(now, _staleAfterMs))
            {
                yield return new Measurement<T>(value(slot), slot.Tags);
            }
        }
    }

    private IEnumerable<Measurement<T>> ObserveAll<T>(Func<StreamSlot, T> value) where T : struct
    {
        foreach (var slot in _store.Slots)
        {
            if (slot.HasData)
            {
                yield return new Measurement<T>(value(slot), slot.Tags);
            }
        }
    }
}
