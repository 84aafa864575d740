using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Kline candles with distinct, exactly representable-as-text values per stream and sequence number.</summary>
public static class Candles
{
    public const long BaseOpenTime = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    public static KlineCandle Make(string symbol, string interval, int sequence, bool closed = false, long? openTime = null)
    {
        var seed = (uint)HashCode.Combine(symbol, interval) % 100_000;
        var close = 1m + seed / 100m + sequence * 0.00000001m * 137;
        var open = openTime ?? BaseOpenTime;
        return new KlineCandle(
            Symbol: symbol,
            Interval: interval,
            EventTime: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + sequence,
            OpenTime: open,
            CloseTime: open + 59_999,
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

    public static double AsDouble(decimal value) => double.Parse(value.ToString("0.00000000", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
}
