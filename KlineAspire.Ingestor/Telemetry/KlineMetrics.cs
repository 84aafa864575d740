using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Storage;

namespace KlineAspire.Ingestor.Telemetry;

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

    private readonly MarketReadings _readings;
    private int _instruments;

    /// <param name="meter">Prometheus' instruments live on <see cref="IngestorTelemetry.MeterName"/>, OTLP's on <see cref="IngestorTelemetry.OtlpMarketMeterName"/>.</param>
    /// <param name="readings">One reading per collection of the meter provider that records these instruments.</param>
    public KlineMetrics(Meter meter, MarketReadings readings)
    {
        _readings = readings;

        // No unit on prices and volumes: the exporter turns a unit into a name suffix, and a quote asset is no unit of Prometheus'.
        Gauge(meter, "kline.open.price", "Open price of the candle currently forming.", static (in StreamReading r) => r.Open);
        Gauge(meter, "kline.high.price", "High price of the candle currently forming.", static (in StreamReading r) => r.High);
        Gauge(meter, "kline.low.price", "Low price of the candle currently forming.", static (in StreamReading r) => r.Low);
        Gauge(meter, "kline.close.price", "Last (close) price of the candle currently forming.", static (in StreamReading r) => r.Close);
        Gauge(meter, "kline.base.volume", "Base asset volume of the candle currently forming.", static (in StreamReading r) => r.BaseVolume);
        Gauge(meter, "kline.quote.volume", "Quote asset volume of the candle currently forming.", static (in StreamReading r) => r.QuoteVolume);
        Gauge(meter, "kline.taker_buy_base.volume", "Taker buy base asset volume of the candle currently forming.", static (in StreamReading r) => r.TakerBuyBaseVolume);
        Gauge(meter, "kline.taker_buy_quote.volume", "Taker buy quote asset volume of the candle currently forming.", static (in StreamReading r) => r.TakerBuyQuoteVolume);
        Gauge(meter, "kline.trades", "Number of trades in the candle currently forming.", static (in StreamReading r) => r.Trades, unit: "{trade}");
        Gauge(meter, "kline.open_time", "Open time of the candle currently forming, Unix seconds.", static (in StreamReading r) => r.OpenTime / 1000.0, unit: "s");

        // The same instruments for the last closed candle, named kline.closed.* so that a view can drop them by name.
        ClosedGauge(meter, "kline.closed.open.price", "Open price of the last closed candle.", static (in StreamReading r) => r.LastClosed.Open);
        ClosedGauge(meter, "kline.closed.high.price", "High price of the last closed candle.", static (in StreamReading r) => r.LastClosed.High);
        ClosedGauge(meter, "kline.closed.low.price", "Low price of the last closed candle.", static (in StreamReading r) => r.LastClosed.Low);
        ClosedGauge(meter, "kline.closed.close.price", "Close price of the last closed candle.", static (in StreamReading r) => r.LastClosed.Close);
        ClosedGauge(meter, "kline.closed.base.volume", "Base asset volume of the last closed candle.", static (in StreamReading r) => r.LastClosed.BaseVolume);
        ClosedGauge(meter, "kline.closed.quote.volume", "Quote asset volume of the last closed candle.", static (in StreamReading r) => r.LastClosed.QuoteVolume);
        ClosedGauge(meter, "kline.closed.trades", "Number of trades in the last closed candle.", static (in StreamReading r) => r.LastClosed.Trades, unit: "{trade}");
        ClosedGauge(meter, "kline.closed.open_time", "Open time of the last closed candle, Unix seconds.", static (in StreamReading r) => r.LastClosed.OpenTime / 1000.0, unit: "s");

        var feed = ++_instruments - 1;
        meter.CreateObservableGauge("kline.feed.up", () => Observe(feed, static (in StreamReading r) => r.FeedUp ? 1 : 0, static (in StreamReading _) => true),
            description: "1 while the stream's connection is subscribed and alive (or was lost less than StaleAfter ago), else 0. Quiet markets do not make it 0.");
        var lastUpdate = ++_instruments - 1;
        meter.CreateObservableGauge("kline.last_update_timestamp", () => Observe(lastUpdate, static (in StreamReading r) => r.EventTime / 1000.0, static (in StreamReading r) => r.HasData),
            unit: "s", description: "Exchange event time of the stream's last update, Unix seconds. Binance pushes only on change, so an old value alone does not mean the feed is lost.");
        var closed = ++_instruments - 1;
        meter.CreateObservableCounter("kline.candles_closed", () => Observe(closed, static (in StreamReading r) => r.ClosedCandles, static (in StreamReading r) => r.HasData),
            unit: "{candle}", description: "Candles closed, by their final update (x=true) or by their interval ending; each counts once.");
        var missed = ++_instruments - 1;
        meter.CreateObservableCounter("kline.ingestor.missed_candles", () => MissedCandles(missed),
            unit: "{candle}", description: "Closed candles not published as closed because the feed was lost before they ended and their final update (x=true) never came.");
    }

    private void Gauge<T>(Meter meter, string name, string description, Select<T> value, string? unit = null) where T : struct
    {
        var instrument = _instruments++;
        meter.CreateObservableGauge(name, () => Observe(instrument, value, static (in StreamReading r) => r.IsLive), unit, description);
    }

    private void ClosedGauge<T>(Meter meter, string name, string description, Select<T> value, string? unit = null) where T : struct
    {
        var instrument = _instruments++;
        meter.CreateObservableGauge(name, () => Observe(instrument, value, static (in StreamReading r) => r.IsLive && r.LastClosed.Known), unit, description);
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
                yield return new Measurement<T>(value(in readings[index]), slots[index].Tags);
            }
        }
    }
}
