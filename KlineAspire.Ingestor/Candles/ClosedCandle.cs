namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// The final values of a stream's most recently closed candle, or nothing (<see cref="Known"/> false) when that
/// candle's final update may have been missed while the feed was lost: a gap stays a gap rather than showing an
/// earlier candle again or a guess.
/// </summary>
public struct ClosedCandle
{
    /// <summary>
    /// The values are final: the candle closed by its <c>x:true</c> update, or on a feed covered until its final update
    /// could no longer come.
    /// </summary>
    public bool Known;

    public long OpenTime;
    public double Open;
    public double High;
    public double Low;
    public double Close;
    public double BaseVolume;
    public double QuoteVolume;
    public long Trades;

    public static ClosedCandle Of(long openTime, double open, double high, double low, double close, double baseVolume, double quoteVolume,
        long trades) => new()
        {
            Known = true,
            OpenTime = openTime,
            Open = open,
            High = high,
            Low = low,
            Close = close,
            BaseVolume = baseVolume,
            QuoteVolume = quoteVolume,
            Trades = trades,
        };

    /// <summary>A candle without trades: every price at the previous close, as Binance's history shows it.</summary>
    public static ClosedCandle Empty(long openTime, double lastClose) => Of(openTime, lastClose, lastClose, lastClose, lastClose, 0, 0, 0);
}
