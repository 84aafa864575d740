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

        // No unit on prices and volumes: the exporter turns a unit into a name suffix, and a quote asset is no unit of Prometheus'.
        Gauge(meter, "kline.open.price", "Open price of the candle currently forming.", static (in StreamReading r) => r.Open, Live);
        Gauge(meter, "kline.high.price", "High price of the candle currently forming.", static (in StreamReading r) => r.High, Live);
        Gauge(meter, "kline.low.price", "Low price of the candle currently forming.", static (in StreamReading r) => r.Low, Live);
        Gauge(meter, "kline.close.price", "Last (close) price of the candle currently forming.", static (in StreamReading r) => r.Close, Live);
        Gauge(meter, "kline.base.volume", "Base asset volume of the candle currently forming.", static (in StreamReading r) => r.BaseVolume, Live);
        Gauge(meter, "kline.quote.volume", "Quote asset volume of the candle currently forming.", static (in StreamReading r) => r.QuoteVolume, Live);
        Gauge(meter, "kline.taker_buy_base.volume", "Taker buy base asset volume of the candle currently forming.", static (in StreamReading r) => r.TakerBuyBaseVolume, Live);
        Gauge(meter, "kline.taker_buy_quote.volume", "Taker buy quote asset volume of the candle currently forming.", static (in StreamReading r) => r.TakerBuyQuoteVolume, Live);
        Gauge(meter, "kline.trades", "Number of trades in the candle currently forming.", static (in StreamReading r) => r.Trades, Live, unit: "{trade}");
        Gauge(meter, "kline.open_time", "Open time of the candle currently forming, Unix seconds.", static (in StreamReading r) => r.OpenTime / 1000.0, Live, unit: "s");

        // The same instruments for the last closed candle, named kline.closed.* so that a view can drop them by name.
        Gauge(meter, "kline.closed.open.price", "Open price of the last closed candle.", static (in StreamReading r) => r.LastClosed.Open, LiveClosed);
        Gauge(meter, "kline.closed.high.price", "High price of the last closed candle.", static (in StreamReading r) => r.LastClosed.High, LiveClosed);
        Gauge(meter, "kline.closed.low.price", "Low price of the last closed candle.", static (in StreamReading r) => r.LastClosed.Low, LiveClosed);
        Gauge(meter, "kline.closed.close.price", "Close price of the last closed candle.", static (in StreamReading r) => r.LastClosed.Close, LiveClosed);
        Gauge(meter, "kline.closed.base.volume", "Base asset volume of the last closed candle.", static (in StreamReading r) => r.LastClosed.BaseVolume, LiveClosed);
        Gauge(meter, "kline.closed.quote.volume", "Quote asset volume of the last closed candle.", static (in StreamReading r) => r.LastClosed.QuoteVolume, LiveClosed);
        Gauge(meter, "kline.closed.trades", "Number of trades in the last closed candle.", static (in StreamReading r) => r.LastClosed.Trades, LiveClosed, unit: "{trade}");
        Gauge(meter, "kline.closed.open_time", "Open time of the last closed candle, Unix seconds.", static (in StreamReading r) => r.LastClosed.OpenTime / 1000.0, LiveClosed, unit: "s");

        Gauge(meter, "kline.feed.up", "1 while the stream's connection is subscribed and alive (or was lost less than StaleAfter ago), else 0. Quiet markets do not make it 0.",
            static (in StreamReading r) => r.FeedUp ? 1 : 0, Configured);
        Gauge(meter, "kline.last_update_timestamp", "Exchange event time of the stream's last update, Unix seconds. Binance pushes only on change, so an old value alone does not mean the feed is lost.",
            static (in StreamReading r) => r.EventTime / 1000.0, WithData, unit: "s");
        var closed = _instruments++;
        meter.CreateObservableCounter("kline.candles_closed", () => Observe(closed, static (in StreamReading r) => r.ClosedCandles, WithData),
            unit: "{candle}", description: "Candles closed, by their final update (x=true) or by their interval ending; each counts once.");
        var missed = _instruments++;
        meter.CreateObservableCounter("kline.ingestor.missed_candles", () => MissedCandles(missed),
            unit: "{candle}", description: "Closed candles not published as closed because the feed was lost before they ended and their final update (x=true) never came.");
    }

    private void Gauge<T>(Meter meter, string name, string description, Select<T> value, Select<bool> include, string? unit = null) where T : struct
    {
        var instrument = _instruments++;
        meter.CreateObservableGauge(name, () => Observe(instrument, value, include), unit, description);
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
