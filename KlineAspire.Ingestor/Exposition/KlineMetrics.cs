using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// Market-data instruments. Every callback reads the same <see cref="MarketReadings"/> of the collection, so a
/// scrape never mixes two updates of a stream. A stream whose feed is lost (or that never had data) leaves the
/// price, volume and trade gauges, so Prometheus marks those series stale instead of showing an old price as live;
/// its feed state, last-update timestamp and closed-candle counter stay.
/// <para>
/// The <c>kline.closed.*</c> gauges hold the most recently closed candle's final values for the whole next interval,
/// so a scrape interval shorter than the candle interval records every closed candle. A candle whose final update may
/// have been missed while the feed was lost is not shown at all until the next candle closes on a covered feed: a chart
/// gets a gap there, not the previous candle repeated nor a guess. Such candles are counted in
/// <c>kline.ingestor.missed_candles</c>.
/// </para>
/// </summary>
public sealed class KlineMetrics
{
    private delegate T Select<out T>(in StreamReading reading);

    // Which streams an instrument reports: prices only while live, the last closed candle only once known, feed state
    // for every configured stream, update times and counts once there was data.
    private static readonly Select<bool> Live = static (in StreamReading r) => r.IsLive;
    private static readonly Select<bool> LiveClosed = static (in StreamReading r) => r.IsLive && r.LastClosed.Known;
    private static readonly Select<bool> Configured = static (in StreamReading _) => true;
    private static readonly Select<bool> WithData = static (in StreamReading r) => r.HasData;

    private readonly MarketReadings _readings;
    private int _instruments;

    /// <param name="meter">
    /// A meter that only the provider owning <paramref name="readings"/> listens to: Prometheus' instruments live on
    /// <see cref="IngestorTelemetry.PrometheusMarketMeterName"/>, OTLP's on <see cref="IngestorTelemetry.OtlpMarketMeterName"/>.
    /// </param>
    /// <param name="readings">One reading per collection of the meter provider that records these instruments.</param>
    public KlineMetrics(Meter meter, MarketReadings readings)
    {
        _readings = readings;

        Gauge(meter, KlineInstruments.OpenPrice, static (in StreamReading r) => r.Open, Live);
        Gauge(meter, KlineInstruments.HighPrice, static (in StreamReading r) => r.High, Live);
        Gauge(meter, KlineInstruments.LowPrice, static (in StreamReading r) => r.Low, Live);
        Gauge(meter, KlineInstruments.ClosePrice, static (in StreamReading r) => r.Close, Live);
        Gauge(meter, KlineInstruments.BaseVolume, static (in StreamReading r) => r.BaseVolume, Live);
        Gauge(meter, KlineInstruments.QuoteVolume, static (in StreamReading r) => r.QuoteVolume, Live);
        Gauge(meter, KlineInstruments.TakerBuyBaseVolume, static (in StreamReading r) => r.TakerBuyBaseVolume, Live);
        Gauge(meter, KlineInstruments.TakerBuyQuoteVolume, static (in StreamReading r) => r.TakerBuyQuoteVolume, Live);
        Gauge(meter, KlineInstruments.Trades, static (in StreamReading r) => r.Trades, Live);
        Gauge(meter, KlineInstruments.OpenTime, static (in StreamReading r) => r.OpenTime / 1000.0, Live);

        Gauge(meter, KlineInstruments.ClosedOpenPrice, static (in StreamReading r) => r.LastClosed.Open, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedHighPrice, static (in StreamReading r) => r.LastClosed.High, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedLowPrice, static (in StreamReading r) => r.LastClosed.Low, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedClosePrice, static (in StreamReading r) => r.LastClosed.Close, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedBaseVolume, static (in StreamReading r) => r.LastClosed.BaseVolume, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedQuoteVolume, static (in StreamReading r) => r.LastClosed.QuoteVolume, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedTrades, static (in StreamReading r) => r.LastClosed.Trades, LiveClosed);
        Gauge(meter, KlineInstruments.ClosedOpenTime, static (in StreamReading r) => r.LastClosed.OpenTime / 1000.0, LiveClosed);

        Gauge(meter, KlineInstruments.FeedUp, static (in StreamReading r) => r.FeedUp ? 1 : 0, Configured);
        Gauge(meter, KlineInstruments.LastUpdate, static (in StreamReading r) => r.EventTime / 1000.0, WithData);
        var closed = _instruments++;
        var candlesClosed = KlineInstruments.CandlesClosed;
        meter.CreateObservableCounter(candlesClosed.Name, () => Observe(closed, static (in StreamReading r) => r.ClosedCandles, WithData), candlesClosed.Unit, candlesClosed.Description);
        var missed = _instruments++;
        var missedCandles = KlineInstruments.MissedCandles;
        meter.CreateObservableCounter(missedCandles.Name, () => MissedCandles(missed), missedCandles.Unit, missedCandles.Description);
    }

    private void Gauge<T>(Meter meter, KlineInstrument descriptor, Select<T> value, Select<bool> include) where T : struct
    {
        var instrument = _instruments++;
        meter.CreateObservableGauge(descriptor.Name, () => Observe(instrument, value, include), descriptor.Unit, descriptor.Description);
    }

    /// <summary>One sum over all streams: which stream had the gap shows in its closed-candle series, absent for that interval.</summary>
    private long MissedCandles(int instrument)
    {
        var total = 0L;
        foreach (ref readonly var reading in _readings.For(instrument).AsSpan())
        {
            total += reading.MissedCandles;
        }

        return total;
    }

    private IEnumerable<Measurement<T>> Observe<T>(int instrument, Select<T> value, Select<bool> include) where T : struct
    {
        var readings = _readings.For(instrument);
        var slots = _readings.Slots;
        for (var index = 0; index < readings.Length; index++)
        {
            if (include(in readings[index]))
            {
                // Not new Measurement<T>(value, tags): that copies the tags, one dead array per series per scrape.
                yield return SharedTagsMeasurement<T>.Create(value(in readings[index]), slots[index].Tags);
            }
        }
    }
}
