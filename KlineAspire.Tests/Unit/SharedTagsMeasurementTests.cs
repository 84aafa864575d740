using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using KlineAspire.Ingestor.Exposition;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The market instruments report every series of every scrape through <see cref="SharedTagsMeasurement{T}"/>, which
/// must deliver a stream's tags exactly as given without copying them (the copy was ~28 MB of garbage per scrape
/// at 504,000 series).
/// </summary>
public sealed class SharedTagsMeasurementTests
{
    private static readonly KeyValuePair<string, object?>[] StreamTags = [new("interval", "1m"), new("symbol", "BTCUSDT")];

    [Fact]
    public void Measurement_refers_to_the_given_tag_array_instead_of_a_copy()
    {
        var measurement = SharedTagsMeasurement<double>.Create(42.5, StreamTags);

        Assert.Equal(42.5, measurement.Value);
        Assert.Equal(StreamTags, measurement.Tags.ToArray());
        Assert.True(Unsafe.AreSame(ref Unsafe.AsRef(in measurement.Tags[0]), ref StreamTags[0]),
            "the measurement holds a copy: the runtime's Measurement<T> no longer has the _tags field this relies on");
    }

    [Fact]
    public void Making_measurements_allocates_nothing()
    {
        var sum = 0L;
        for (var i = 0; i < 1_000; i++)
        {
            sum += SharedTagsMeasurement<long>.Create(i, StreamTags).Value;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            sum += SharedTagsMeasurement<long>.Create(i, StreamTags).Value;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sum > 0);
        // A copied two-tag array is 56 bytes; less than one byte a measurement means none was made.
        Assert.True(allocated < 100_000, $"{allocated} bytes for 100,000 measurements");
    }

    [Fact]
    public void A_listener_receives_each_series_value_with_its_own_tags()
    {
        KeyValuePair<string, object?>[][] streams =
        [
            [new("interval", "1m"), new("symbol", "AAAUSDT")],
            [new("interval", "1h"), new("symbol", "BBBUSDT")],
        ];
        using var meter = new Meter($"{nameof(SharedTagsMeasurementTests)}.{Guid.NewGuid():N}");
        meter.CreateObservableGauge("price", () => streams.Select((tags, index) => SharedTagsMeasurement<double>.Create(index + 0.5, tags)));
        var received = new List<(double Value, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            received.Add((value, string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}")))));
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal([(0.5, "interval=1m,symbol=AAAUSDT"), (1.5, "interval=1h,symbol=BBBUSDT")], received);
    }
}
