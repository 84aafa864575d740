using System.Globalization;
using System.Text;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Benchmarks;

/// <summary>The values of one kline update, and its wire form (raw or combined) as Binance sends it.</summary>
internal readonly record struct KlineValues(
    string Symbol,
    string Interval,
    long EventTime,
    long OpenTime,
    double Open,
    double High,
    double Low,
    double Close,
    double BaseVolume,
    double QuoteVolume,
    double TakerBuyBaseVolume,
    double TakerBuyQuoteVolume,
    long Trades,
    bool IsClosed)
{
    /// <summary>
    /// Deterministic, varied values for update <paramref name="round"/> of stream number <paramref name="stream"/>, in the
    /// candle of <paramref name="interval"/> that contains <paramref name="openTime"/>: the ingestor rejects an open time
    /// off its interval's calendar.
    /// </summary>
    public static KlineValues For(string symbol, string interval, int stream, int round, long eventTime, long openTime, bool isClosed = false)
    {
        openTime = KlineCalendar.Parse(interval).OpenTimeAt(openTime);
        var close = 1 + (stream % 9973) * 0.0137 + round * 0.00000001 * (1 + stream % 7);
        return new KlineValues(symbol, interval, eventTime, openTime,
            Open: close * 0.999, High: close * 1.002, Low: close * 0.997, Close: close,
            BaseVolume: 1000 + stream * 0.5 + round, QuoteVolume: (1000 + stream * 0.5 + round) * close,
            TakerBuyBaseVolume: 400 + stream * 0.25, TakerBuyQuoteVolume: (400 + stream * 0.25) * close,
            Trades: 100 + round, IsClosed: isClosed);
    }
}

internal static class KlineFrames
{
    /// <summary>Binance's order of fields, with prices and volumes as 8-decimal strings.</summary>
    public static string Raw(in KlineValues v) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"e":"kline","E":{{v.EventTime}},"s":"{{v.Symbol}}","k":{"t":{{v.OpenTime}},"T":{{KlineCalendar.Parse(v.Interval).CloseTime(v.OpenTime)}},"s":"{{v.Symbol}}","i":"{{v.Interval}}","f":527449288,"L":527449503,"o":"{{v.Open:F8}}","c":"{{v.Close:F8}}","h":"{{v.High:F8}}","l":"{{v.Low:F8}}","v":"{{v.BaseVolume:F8}}","n":{{v.Trades}},"x":{{(v.IsClosed ? "true" : "false")}},"q":"{{v.QuoteVolume:F8}}","V":"{{v.TakerBuyBaseVolume:F8}}","Q":"{{v.TakerBuyQuoteVolume:F8}}","B":"0"}""") + "}";

    public static string Combined(in KlineValues v) =>
        $$"""{"stream":"{{v.Symbol.ToLowerInvariant()}}@kline_{{v.Interval}}","data":{{Raw(v)}}""" + "}";

    public static byte[] Utf8(in KlineValues v, bool combined) => Encoding.UTF8.GetBytes(combined ? Combined(v) : Raw(v));

    /// <summary>Where the 13 digits of the event time (<c>"E":</c>) start in a frame.</summary>
    public static int EventTimeOffset(ReadOnlySpan<byte> frame)
    {
        var index = frame.IndexOf("\"E\":"u8);
        if (index < 0)
        {
            throw new InvalidOperationException("No event time in the frame.");
        }

        return index + 4;
    }

    /// <summary>Adds <paramref name="amount"/> (≤ 9) to the ASCII decimal number ending at <paramref name="end"/>, in place.</summary>
    public static void AddInPlace(Span<byte> frame, int start, int end, int amount)
    {
        var carry = amount;
        for (var index = end - 1; index >= start && carry > 0; index--)
        {
            var digit = frame[index] - (byte)'0' + carry;
            frame[index] = (byte)('0' + digit % 10);
            carry = digit / 10;
        }

        if (carry > 0)
        {
            throw new InvalidOperationException("The event time overflowed its digits.");
        }
    }
}
