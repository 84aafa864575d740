namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// Where the candles of one Binance kline interval open, read in the stream's time zone (UTC, or UTC+8 for the
/// <c>@+08:00</c> streams). Fixed-length intervals are aligned to the Unix epoch, except weeks, which open on
/// Monday; months are calendar months. See docs/binance-protocol.md, "Kline streams".
/// The simulator compiles this same file (linked, and internal there), so the candles it serves and the candles the
/// ingestor expects can never disagree about a boundary.
/// </summary>
#if KLINE_SIMULATOR
internal
#else
public
#endif
sealed class KlineCalendar
{
    public const string Utc8Suffix = "@+08:00";
    private const long Day = 86_400_000;
    private static readonly long Utc8Offset = (long)TimeSpan.FromHours(8).TotalMilliseconds;

    // Months are counted on DateTimeOffset, which spans years 1 to 9999; beyond them a month saturates at the edge
    // rather than throwing, so no stored value can fail the read path. Fixed lengths are plain arithmetic and cannot throw.
    private static readonly long FirstDate = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long LastDate = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    // The Unix epoch was a Thursday; Monday 1970-01-05 is four days later.
    private const long FirstMonday = 4 * Day;

    private static readonly Dictionary<string, long> FixedLengths = new(StringComparer.Ordinal)
    {
        ["1s"] = 1_000,
        ["1m"] = 60_000,
        ["3m"] = 180_000,
        ["5m"] = 300_000,
        ["15m"] = 900_000,
        ["30m"] = 1_800_000,
        ["1h"] = 3_600_000,
        ["2h"] = 7_200_000,
        ["4h"] = 14_400_000,
        ["6h"] = 21_600_000,
        ["8h"] = 28_800_000,
        ["12h"] = 43_200_000,
        ["1d"] = Day,
        ["3d"] = 3 * Day,
        ["1w"] = 7 * Day,
    };

    /// <summary>The intervals Binance serves, in ascending length. Case matters: <c>1m</c> is a minute, <c>1M</c> a month.</summary>
    public static readonly IReadOnlyList<string> Intervals = [.. FixedLengths.Keys, "1M"];

    private readonly long _length;
    private readonly long _alignment;
    private readonly long _offset;

    private KlineCalendar(string interval, long length, long alignment, long offset)
    {
        Interval = interval;
        _length = length;
        _alignment = alignment;
        _offset = offset;
    }

    /// <summary>The interval as configured and labelled, e.g. <c>1m</c> or <c>1d@+08:00</c>.</summary>
    public string Interval { get; }

    /// <summary>The interval as the payload's <c>k.i</c> carries it, without the time-zone suffix.</summary>
    public string BaseInterval => Interval.EndsWith(Utc8Suffix, StringComparison.Ordinal) ? Interval[..^Utc8Suffix.Length] : Interval;

    public bool IsUtc8 => _offset != 0;

    private bool IsMonthly => _length == 0;

    public static bool TryParse(string? interval, out KlineCalendar calendar)
    {
        calendar = null!;
        if (string.IsNullOrEmpty(interval))
        {
            return false;
        }

        var offset = 0L;
        var baseInterval = interval;
        if (interval.EndsWith(Utc8Suffix, StringComparison.Ordinal))
        {
            offset = Utc8Offset;
            baseInterval = interval[..^Utc8Suffix.Length];
        }

        if (baseInterval == "1M")
        {
            calendar = new KlineCalendar(interval, 0, 0, offset);
            return true;
        }

        if (!FixedLengths.TryGetValue(baseInterval, out var length))
        {
            return false;
        }

        calendar = new KlineCalendar(interval, length, baseInterval == "1w" ? FirstMonday : 0, offset);
        return true;
    }

    public static KlineCalendar Parse(string interval) =>
        TryParse(interval, out var calendar) ? calendar : throw new ArgumentException($"'{interval}' is not a Binance kline interval.", nameof(interval));

    /// <summary>Open time (Unix ms, UTC) of the candle that contains <paramref name="unixMilliseconds"/>.</summary>
    public long OpenTimeAt(long unixMilliseconds)
    {
        var local = unixMilliseconds + _offset;
        if (IsMonthly)
        {
            var date = Date(local);
            return new DateTimeOffset(date.Year, date.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() - _offset;
        }

        return FloorDiv(local - _alignment, _length) * _length + _alignment - _offset;
    }

    /// <summary>Open time of the candle after the one opening at <paramref name="openTime"/>.</summary>
    public long NextOpenTime(long openTime) =>
        IsMonthly
            ? AddMonth(Date(openTime + _offset), 1).ToUnixTimeMilliseconds() - _offset
            : openTime + _length;

    /// <summary>Open time of the candle before the one opening at <paramref name="openTime"/>.</summary>
    public long PreviousOpenTime(long openTime) =>
        IsMonthly
            ? AddMonth(Date(openTime + _offset), -1).ToUnixTimeMilliseconds() - _offset
            : openTime - _length;

    /// <summary>Close time as Binance reports it: the next candle's open time minus one millisecond.</summary>
    public long CloseTime(long openTime) => NextOpenTime(openTime) - 1;

    /// <summary>
    /// How many candle boundaries lie between two open times (both on this calendar), i.e. candles from the first up
    /// to, not including, the second.
    /// </summary>
    public long CandlesBetween(long fromOpenTime, long toOpenTime)
    {
        if (toOpenTime <= fromOpenTime)
        {
            return 0;
        }

        if (!IsMonthly)
        {
            return (toOpenTime - fromOpenTime) / _length;
        }

        var from = Date(fromOpenTime + _offset);
        var to = Date(toOpenTime + _offset);
        return (to.Year - from.Year) * 12L + to.Month - from.Month;
    }

    private static DateTimeOffset Date(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(unixMilliseconds, FirstDate, LastDate));

    private static DateTimeOffset AddMonth(DateTimeOffset date, int months) =>
        (months > 0 && date.Year == 9999 && date.Month == 12) || (months < 0 && date.Year == 1 && date.Month == 1) ? date : date.AddMonths(months);

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    public override string ToString() => Interval;
}
