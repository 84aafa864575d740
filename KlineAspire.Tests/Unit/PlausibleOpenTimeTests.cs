using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using KlineAspire.Ingestor;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Parsing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// A frame's open time must be one of its interval's calendar, no later than the candle forming at its event time and
/// no earlier than the one forming <c>ClockTolerance</c> (5 min) before it, and its close time the calendar's; anything
/// else is counted as <c>invalid_value</c> and not stored. The read path cannot throw, whatever a slot holds.
/// </summary>
public sealed class PlausibleOpenTimeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-29T10:15:42Z", CultureInfo.InvariantCulture);
    // Each test moves the clock forward to its event time.
    private readonly FakeTimeProvider _clock = new(Now - TimeSpan.FromHours(1));
    private WebApplication _app = null!;
    private KlineFrameProcessor _processor = null!;
    private KlineStore _store = null!;
    private readonly MeterListener _listener = new();
    private long _invalidValues;

    public async ValueTask InitializeAsync()
    {
        _app = await IngestorApplication.BuildAsync(
            ["--Binance:Endpoint=ws://127.0.0.1:9", "--Binance:Symbols=ETHBTC", "--Binance:Intervals=1m,1w,1M,1d@+08:00"],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Services.AddSingleton<TimeProvider>(_clock);
            },
            TestContext.Current.CancellationToken);
        _processor = _app.Services.GetRequiredService<KlineFrameProcessor>();
        _store = _app.Services.GetRequiredService<KlineStore>();
        var meters = _app.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "kline.ingestor.invalid_frames")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "reason", Value: "invalid_value" })
                {
                    Interlocked.Add(ref _invalidValues, value);
                }
            }
        });
        _listener.Start();
        foreach (var slot in _store.Slots)
        {
            slot.Coverage.MarkCovered();
        }
    }

    public static TheoryData<string, string, string, string, string> Rejected => new()
    {
        // interval, k.t, k.T (empty: the calendar's), the field named, why
        { "1M", "2019-01-01T00:00:00Z", "", "k.t", "a month years before the event: it would count every month since as closed" },
        { "1M", "2026-12-01T00:00:00Z", "", "k.t", "next month: later than the candle forming at the event" },
        { "1m", "2026-11-29T10:15:00.001Z", "", "k.t", "not a minute's open time" },
        { "1m", "2026-11-29T10:16:00Z", "", "k.t", "the next minute" },
        { "1m", "2026-11-29T10:09:00Z", "", "k.t", "a minute that closed more than ClockTolerance before the event" },
        { "1w", "2026-11-22T00:00:00Z", "", "k.t", "a Sunday: weeks open on Monday" },
        { "1d@+08:00", "2026-11-29T00:00:00Z", "", "k.t", "a UTC midnight: UTC+8 days open at 16:00 UTC" },
        { "1m", "2026-11-29T10:15:00Z", "2026-11-29T10:16:00Z", "k.T", "a close time one millisecond late" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void An_open_or_close_time_off_the_calendar_or_outside_the_events_candle_is_counted_invalid_and_not_stored(
        string interval, string openTime, string closeTime, string field, string why)
    {
        _clock.SetUtcNow(Now);
        var slot = Slot(interval);
        var frame = default(ParsedFrame);
        var kind = Process(interval, At(openTime), closeTime.Length == 0 ? null : At(closeTime), Now, ref frame);

        Assert.True(kind == FrameKind.Invalid, why);
        Assert.Equal((InvalidFrameReason.InvalidValue, field), (frame.Reason, frame.Detail));
        Assert.Equal(1, Interlocked.Read(ref _invalidValues));
        Assert.False(slot.HasData);
        slot.Read(Now.ToUnixTimeMilliseconds(), long.MaxValue, out var reading);
        Assert.Equal(0, reading.ClosedCandles);
    }

    public static TheoryData<string, string, string> Accepted => new()
    {
        // interval, k.t, event time
        { "1m", "2026-11-29T10:15:00Z", "2026-11-29T10:15:42Z" },
        // A late final update: the event is already in the next candle, the open time the previous one's.
        { "1m", "2026-11-29T10:14:00Z", "2026-11-29T10:15:01.500Z" },
        { "1m", "2026-11-29T10:10:00Z", "2026-11-29T10:15:42Z" },
        // For a month the previous open is weeks before the event, yet within ClockTolerance of its close.
        { "1M", "2026-11-01T00:00:00Z", "2026-12-01T00:00:01.500Z" },
        { "1M", "2026-12-01T00:00:00Z", "2026-12-01T00:00:01.500Z" },
        { "1w", "2026-11-23T00:00:00Z", "2026-11-29T10:15:42Z" },
        { "1d@+08:00", "2026-11-28T16:00:00Z", "2026-11-29T10:15:42Z" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void An_open_time_of_the_candle_forming_at_the_event_or_ClockTolerance_before_it_is_stored(string interval, string openTime, string eventTime)
    {
        _clock.SetUtcNow(DateTimeOffset.Parse(eventTime, CultureInfo.InvariantCulture));
        var frame = default(ParsedFrame);

        Assert.Equal(FrameKind.Kline, Process(interval, At(openTime), null, _clock.GetUtcNow(), ref frame));
        Assert.Equal(0, Interlocked.Read(ref _invalidValues));
        Slot(interval).Read(_clock.GetUtcNow().ToUnixTimeMilliseconds(), long.MaxValue, out var reading);
        Assert.True(reading.HasData);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeMilliseconds(), reading.EventTime);
    }

    public static TheoryData<string, long> ExtremeOpenTimes()
    {
        var data = new TheoryData<string, long>();
        foreach (var interval in new[] { "1s", "1w", "1M", "1M@+08:00" })
        {
            foreach (var openTime in new[] { long.MinValue, long.MinValue + 1, -62_135_596_800_001, 0, 253_402_300_799_999, long.MaxValue - 1 })
            {
                data.Add(interval, openTime);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExtremeOpenTimes))]
    public void Reading_a_slot_never_throws_whatever_open_time_it_holds(string interval, long openTime)
    {
        // Past the processor's checks no such frame is stored; applied directly, the read path must still hold.
        var store = TestStores.StoreOf(new StreamId("ETHBTC", interval));
        store.Slots[0].Coverage.MarkCovered();
        var slot = store.Slots[0];
        var json = SampleFrames.EthBtc(KlineCalendar.Parse(interval), 0, 1).Replace("\"t\":0,", $"\"t\":{openTime},", StringComparison.Ordinal);
        TestStores.Apply(slot, json);

        foreach (var now in new[] { Now.ToUnixTimeMilliseconds(), long.MinValue, long.MaxValue, openTime })
        {
            slot.Read(now, long.MaxValue, out var reading);
            Assert.True(reading.HasData);
            store.Slots[0].Coverage.MarkLost(now);
            slot.Read(now, long.MaxValue, out _);
            store.Slots[0].Coverage.MarkCovered();
        }
    }

    [Fact]
    public void Month_arithmetic_saturates_at_the_ends_of_the_calendar_instead_of_throwing()
    {
        var month = KlineCalendar.Parse("1M");
        var last = month.OpenTimeAt(long.MaxValue);
        Assert.Equal(At("9999-12-01T00:00:00Z"), last);
        Assert.Equal(last, month.NextOpenTime(last));
        Assert.Equal(At("0001-01-01T00:00:00Z"), month.OpenTimeAt(long.MinValue));
        Assert.Equal(month.OpenTimeAt(long.MinValue), month.PreviousOpenTime(month.OpenTimeAt(long.MinValue)));
        Assert.Equal(9998L * 12 + 11, month.CandlesBetween(long.MinValue, long.MaxValue));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _app.DisposeAsync();
    }

    private StreamSlot Slot(string interval) => _store.Slots.Single(slot => slot.Id.Interval == interval);

    private FrameKind Process(string interval, long openTime, long? closeTime, DateTimeOffset eventTime, ref ParsedFrame frame)
    {
        var calendar = KlineCalendar.Parse(interval);
        var json = SampleFrames.EthBtc(calendar, openTime, eventTime.ToUnixTimeMilliseconds());
        if (closeTime is { } close)
        {
            json = json.Replace($"\"T\":{calendar.CloseTime(openTime)},", $"\"T\":{close},", StringComparison.Ordinal);
        }

        return _processor.Process(Encoding.UTF8.GetBytes(json), ref frame);
    }

    private static long At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
