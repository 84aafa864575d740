using System.Diagnostics.Metrics;
using System.Globalization;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// One metrics collection shows every stream from one reading: an update that lands while a collection is under way
/// reaches neither the forming nor the closed-candle instruments of that collection, and both of the next one.
/// </summary>
public class OneReadingPerCollectionTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Fact]
    public void Forming_and_closed_candle_instruments_of_one_collection_come_from_one_reading()
    {
        var calendar = KlineCalendar.Parse("1m");
        var store = TestStores.StoreOf(new StreamId("ETHBTC", "1m"));
        store.Slots[0].Coverage.MarkCovered();
        var slot = store.Slots[0];
        TestStores.Apply(slot, SampleFrames.EthBtc(calendar, T0, T0 + 30_000));
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 59_000));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        _ = new KlineMetrics(factory.Create(IngestorTelemetry.MeterName), new MarketReadings(store, Options.Create(new BinanceOptions()), clock));

        var collection = new Dictionary<string, double>();
        var closingUpdate = SampleFrames.EthBtc(calendar, T0, T0 + 59_500, closed: true)
            .Replace("\"c\":\"0.05200000\"", "\"c\":\"0.05150000\"", StringComparison.Ordinal);
        var updateDuringCollection = true;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value)
        {
            collection[instrument.Name] = value;
            if (updateDuringCollection)
            {
                // The candle's closing update lands after the first instrument has been read.
                updateDuringCollection = false;
                TestStores.Apply(slot, closingUpdate);
            }
        }

        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument, value));
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.False(updateDuringCollection);
        Assert.Equal(0.052, collection["kline.close.price"]);
        Assert.Equal(0, collection["kline.candles_closed"]);
        Assert.DoesNotContain(collection.Keys, name => name.StartsWith("kline.closed.", StringComparison.Ordinal));

        collection.Clear();
        listener.RecordObservableInstruments();
        Assert.Equal(0.0515, collection["kline.close.price"]);
        Assert.Equal(1, collection["kline.candles_closed"]);
        Assert.Equal(0.0515, collection["kline.closed.close.price"]);
        Assert.Equal(T0 / 1000.0, collection["kline.closed.open_time"]);
        Assert.Equal(collection["kline.open.price"], collection["kline.closed.open.price"]);
        Assert.Equal(collection["kline.base.volume"], collection["kline.closed.base.volume"]);
        Assert.Equal(0, collection["kline.ingestor.missed_candles"]);
    }
}
