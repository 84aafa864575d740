namespace KlineAspire.Simulator;

/// <summary>Where a candle of a Binance kline interval opens and closes. Months are calendar months, not 30 days.</summary>
public static class KlineIntervalLength
{
    private static readonly Dictionary<string, long> Milliseconds = new(StringComparer.Ordinal)
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
        ["1d"] = 86_400_000,
        ["3d"] = 259_200_000,
        ["1w"] = 604_800_000,
    };

    public static bool IsKnown(string interval) => interval == "1M" || Milliseconds.ContainsKey(interval);

    /// <summary>
    /// The candle containing <paramref name="unixMilliseconds"/>, with interval boundaries read in a time zone
    /// <paramref name="utcOffsetMilliseconds"/> east of UTC (the <c>@+08:00</c> streams); the result is still UTC.
    /// </summary>
    public static (long OpenTime, long CloseTime) CandleAt(string interval, long unixMilliseconds, long utcOffsetMilliseconds)
    {
        var (open, close) = CandleAt(interval, unixMilliseconds + utcOffsetMilliseconds);
        return (open - utcOffsetMilliseconds, close - utcOffsetMilliseconds);
    }

    public static (long OpenTime, long CloseTime) CandleAt(string interval, long unixMilliseconds)
    {
        if (interval == "1M")
        {
            var now = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
            var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            return (start.ToUnixTimeMilliseconds(), start.AddMonths(1).ToUnixTimeMilliseconds() - 1);
        }

        var length = Milliseconds[interval];
        // Weekly candles open on Monday; the Unix epoch was a Thursday.
        var offset = interval == "1w" ? 3 * 86_400_000L : 0;
        var open = (unixMilliseconds + offset) / length * length - offset;
        return (open, open + length - 1);
    }
}
