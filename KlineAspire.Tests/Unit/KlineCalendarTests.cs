using System.Globalization;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Tests.Unit;

/// <summary>Candle boundaries for every interval, in UTC and UTC+8, against dates worked out by hand.</summary>
public class KlineCalendarTests
{
    private static long At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    public static TheoryData<string, string, string, string> Boundaries => new()
    {
        // interval, instant, open time of the candle containing it, open time of the next candle
        { "1s", "2026-11-29T10:15:42.999Z", "2026-11-29T10:15:42Z", "2026-11-29T10:15:43Z" },
        { "1m", "2026-11-29T10:15:42Z", "2026-11-29T10:15:00Z", "2026-11-29T10:16:00Z" },
        { "3m", "2026-11-29T10:15:42Z", "2026-11-29T10:15:00Z", "2026-11-29T10:18:00Z" },
        { "5m", "2026-11-29T10:14:59Z", "2026-11-29T10:10:00Z", "2026-11-29T10:15:00Z" },
        { "15m", "2026-11-29T10:15:00Z", "2026-11-29T10:15:00Z", "2026-11-29T10:30:00Z" },
        { "30m", "2026-11-29T10:59:59Z", "2026-11-29T10:30:00Z", "2026-11-29T11:00:00Z" },
        { "1h", "2026-11-29T10:15:42Z", "2026-11-29T10:00:00Z", "2026-11-29T11:00:00Z" },
        { "2h", "2026-11-29T11:15:42Z", "2026-11-29T10:00:00Z", "2026-11-29T12:00:00Z" },
        { "4h", "2026-11-29T11:15:42Z", "2026-11-29T08:00:00Z", "2026-11-29T12:00:00Z" },
        { "6h", "2026-11-29T11:15:42Z", "2026-11-29T06:00:00Z", "2026-11-29T12:00:00Z" },
        { "8h", "2026-11-29T07:59:59Z", "2026-11-29T00:00:00Z", "2026-11-29T08:00:00Z" },
        { "12h", "2026-11-29T13:00:00Z", "2026-11-29T12:00:00Z", "2026-11-30T00:00:00Z" },
        { "1d", "2026-11-29T23:59:59.999Z", "2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z" },
        // 3d candles count from the Unix epoch: 2026-11-27 is day 20784, divisible by three.
        { "3d", "2026-11-29T10:00:00Z", "2026-11-27T00:00:00Z", "2026-11-30T00:00:00Z" },
        { "3d", "2026-11-26T23:59:59Z", "2026-11-24T00:00:00Z", "2026-11-27T00:00:00Z" },
        // Weeks open on Monday: 2026-11-30 is a Monday.
        { "1w", "2026-11-29T23:59:59Z", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z" },
        { "1w", "2026-12-02T10:00:00Z", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z" },
        // Months are calendar months: February is short, December rolls the year.
        { "1M", "2026-02-28T23:59:59Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z" },
        { "1M", "2026-12-31T12:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z" },
        // UTC+8: the boundaries are read on a clock eight hours ahead, so they fall eight hours earlier in UTC.
        { "1d@+08:00", "2026-11-29T17:00:00Z", "2026-11-29T16:00:00Z", "2026-11-30T16:00:00Z" },
        { "1d@+08:00", "2026-11-29T15:59:59Z", "2026-11-28T16:00:00Z", "2026-11-29T16:00:00Z" },
        { "12h@+08:00", "2026-11-29T05:00:00Z", "2026-11-29T04:00:00Z", "2026-11-29T16:00:00Z" },
        { "1w@+08:00", "2026-11-29T16:30:00Z", "2026-11-29T16:00:00Z", "2026-12-06T16:00:00Z" },
        { "1M@+08:00", "2026-11-30T16:30:00Z", "2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z" },
        { "1M@+08:00", "2026-11-30T15:59:59Z", "2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z" },
        { "1h@+08:00", "2026-11-29T10:15:42Z", "2026-11-29T10:00:00Z", "2026-11-29T11:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Candles_open_and_close_on_Binance_boundaries(string interval, string instant, string open, string next)
    {
        var calendar = KlineCalendar.Parse(interval);
        Assert.Equal(At(open), calendar.OpenTimeAt(At(instant)));
        Assert.Equal(At(next), calendar.NextOpenTime(At(open)));
        Assert.Equal(At(next) - 1, calendar.CloseTime(At(open)));
        Assert.Equal(At(open), calendar.PreviousOpenTime(At(next)));
        Assert.Equal(1, calendar.CandlesBetween(At(open), At(next)));
    }

    [Fact]
    public void Every_interval_Binance_serves_parses_in_both_time_zones_and_nothing_else_does()
    {
        Assert.Equal(16, KlineCalendar.Intervals.Count);
        foreach (var interval in KlineCalendar.Intervals)
        {
            Assert.True(KlineCalendar.TryParse(interval, out var utc));
            Assert.False(utc.IsUtc8);
            Assert.True(KlineCalendar.TryParse(interval + "@+08:00", out var utc8));
            Assert.True(utc8.IsUtc8);
            Assert.Equal(interval, utc8.BaseInterval);
        }

        foreach (var bad in new[] { "", "2m", "1D", "1W", "1H", "1m@+09:00", "1m@+08", " 1m", "1y" })
        {
            Assert.False(KlineCalendar.TryParse(bad, out _), bad);
        }
    }

    [Fact]
    public void Candles_between_counts_calendar_months_and_fixed_lengths()
    {
        Assert.Equal(10, KlineCalendar.Parse("1M").CandlesBetween(At("2026-01-01T00:00:00Z"), At("2026-11-01T00:00:00Z")));
        Assert.Equal(13, KlineCalendar.Parse("1M").CandlesBetween(At("2025-12-01T00:00:00Z"), At("2027-01-01T00:00:00Z")));
        Assert.Equal(1440, KlineCalendar.Parse("1m").CandlesBetween(At("2026-11-28T00:00:00Z"), At("2026-11-29T00:00:00Z")));
        Assert.Equal(0, KlineCalendar.Parse("1h").CandlesBetween(At("2026-11-29T00:00:00Z"), At("2026-11-28T00:00:00Z")));
    }
}
