using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Kline candles with distinct, exactly representable-as-text values per stream and sequence number.</summary>
public static class Candles
{
    /// <summary>A fixed instant (2026-01-01T00:00:00Z) for tests of the simulator alone, where nothing judges plausibility.</summary>
    public const long BaseOpenTime = 1_767_225_600_000;

    /// <summary>
    /// A candle of the stream's current interval (unless <paramref name="openTime"/> says otherwise), stamped now:
    /// the ingestor rejects implausible timestamps and rolls a candle over once its interval has passed.
    /// </summary>
    public static KlineCandle Make(string symbol, string interval, int sequence, bool closed = false, long? openTime = null)
    {
        var seed = (uint)HashCode.Combine(symbol, interval) % 100_000;
        var close = 1m + seed / 100m + sequence * 0.00000001m * 137;
        var calendar = KlineCalendar.Parse(interval);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var open = openTime ?? calendar.OpenTimeAt(now);
        return new KlineCandle(
            Symbol: symbol,
            Interval: interval,
            EventTime: now + sequence,
            OpenTime: open,
            CloseTime: calendar.CloseTime(open),
            FirstTradeId: 1000 + sequence,
            LastTradeId: 1000 + sequence * 2,
            Open: close - 0.5m,
            Close: close,
            High: close + 0.25m,
            Low: close - 0.75m,
            BaseVolume: 10.12345678m + sequence,
            Trades: 7 + sequence,
            IsClosed: closed,
            QuoteVolume: 1234.5678m + sequence,
            TakerBuyBaseVolume: 5.5m + sequence,
            TakerBuyQuoteVolume: 600.00000001m + sequence);
    }

    public static double AsDouble(decimal value) => double.Parse(value.ToString("0.00000000", System.Globalization.CultureInfo.InvariantCulture),
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same candle, moved to the current interval of its stream and stamped now.</summary>
    public static KlineCandle Now(KlineCandle candle)
    {
        var calendar = KlineCalendar.Parse(candle.Interval);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var open = calendar.OpenTimeAt(now);
        return candle with { EventTime = now, OpenTime = open, CloseTime = calendar.CloseTime(open) };
    }
}
