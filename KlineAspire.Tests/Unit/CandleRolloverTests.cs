using System.Globalization;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// Rollover for every interval on a fake clock: a stream whose candle's interval ends without a newer update shows
/// the empty candle that Binance's history shows for an interval without trades, and counts the close once; the
/// candle is published as closed once its final update can no longer come.
/// </summary>
public class CandleRolloverTests
{
    private static readonly long Grace = (long)ClosedCandleTracker.FinalUpdateGrace.TotalMilliseconds;

    public static TheoryData<string> AllIntervals()
    {
        var data = new TheoryData<string>();
        foreach (var interval in KlineCalendar.Intervals)
        {
            data.Add(interval);
            data.Add(interval + KlineCalendar.Utc8Suffix);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllIntervals))]
    public void A_quiet_candle_rolls_over_exactly_at_its_boundary(string interval)
    {
        var calendar = KlineCalendar.Parse(interval);
        var store = TestStores.StoreOf(new StreamId("ETHBTC", interval));
        store.Slots[0].Coverage.MarkCovered();
        var slot = store.Slots[0];
        var open = calendar.OpenTimeAt(DateTimeOffset.Parse("2026-11-29T10:15:42Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        var next = calendar.NextOpenTime(open);
        TestStores.Apply(slot, SampleFrames.EthBtc(calendar, open, eventTime: open + (next - open) / 2));

        slot.Read(next - 1, long.MaxValue, out var last);
        Assert.False(last.RolledOver);
        Assert.Equal(open, last.OpenTime);
        Assert.Equal((0.051, 0.0525, 0.0505, 0.052, 12.5, 3L), (last.Open, last.High, last.Low, last.Close, last.BaseVolume, last.Trades));
        Assert.Equal(0, last.ClosedCandles);

        slot.Read(next, long.MaxValue, out var empty);
        Assert.True(empty.RolledOver);
        Assert.Equal(next, empty.OpenTime);
        Assert.Equal((0.052, 0.052, 0.052, 0.052, 0.0, 0L), (empty.Open, empty.High, empty.Low, empty.Close, empty.BaseVolume, empty.Trades));
        Assert.Equal(1, empty.ClosedCandles);
        // Its final update, with the trades made after its last push, may still come: not closed yet.
        Assert.False(empty.LastClosed.Known);

        // The candle that just ended is the last closed one once the grace has passed, with the values of its last update.
        slot.Read(next + Grace, long.MaxValue, out var settled);
        Assert.Equal((true, open, 0.051, 0.0525, 0.0505, 0.052, 12.5, 0.64, 3L), Values(settled.LastClosed));

        var third = calendar.NextOpenTime(next);
        slot.Read(third, long.MaxValue, out var later);
        Assert.Equal(third, later.OpenTime);
        Assert.Equal(2, later.ClosedCandles);

        // A quiet interval closes an empty candle: every price at the last close, no volume, no trades; none missed.
        slot.Read(third + Grace, long.MaxValue, out var laterSettled);
        Assert.Equal((true, next, 0.052, 0.052, 0.052, 0.052, 0.0, 0.0, 0L), Values(laterSettled.LastClosed));
        Assert.Equal(0, laterSettled.MissedCandles);
    }

    [Theory]
    [MemberData(nameof(AllIntervals))]
    public void A_closing_update_counts_once_whether_or_not_the_boundary_passes(string interval)
    {
        var calendar = KlineCalendar.Parse(interval);
        var store = TestStores.StoreOf(new StreamId("ETHBTC", interval));
        store.Slots[0].Coverage.MarkCovered();
        var slot = store.Slots[0];
        var open = calendar.OpenTimeAt(DateTimeOffset.Parse("2026-03-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        var next = calendar.NextOpenTime(open);
        TestStores.Apply(slot, SampleFrames.EthBtc(calendar, open, eventTime: next - 1, closed: true));

        slot.Read(next - 1, long.MaxValue, out var closed);
        Assert.Equal(1, closed.ClosedCandles);
        Assert.Equal((true, open, 0.051, 0.0525, 0.0505, 0.052, 12.5, 0.64, 3L), Values(closed.LastClosed)); // x:true closes it at once
        slot.Read(next, long.MaxValue, out var rolled);
        Assert.Equal(1, rolled.ClosedCandles);
        TestStores.Apply(slot, SampleFrames.EthBtc(calendar, next, eventTime: next + 5));
        slot.Read(next + 5, long.MaxValue, out var reopened);
        Assert.Equal(1, reopened.ClosedCandles);
        Assert.Equal(next, reopened.OpenTime);
    }

    internal static (bool Known, long OpenTime, double Open, double High, double Low, double Close, double BaseVolume, double QuoteVolume, long Trades)
        Values(ClosedCandle candle) =>
        (candle.Known, candle.OpenTime, candle.Open, candle.High, candle.Low, candle.Close, candle.BaseVolume, candle.QuoteVolume, candle.Trades);
}
