namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// One stream as it stands at one instant: every value comes from the same stored update, judged against the
/// same "now". The forming candle is the stored one, or, once its interval has ended without a newer update on a feed
/// covered since, the empty candle that follows it. The last closed candle comes from the same update and the same
/// "now": the latest one whose values are final.
/// </summary>
public struct StreamReading
{
    /// <summary>At least one update was stored.</summary>
    public bool HasData;

    /// <summary>The stream's connection is subscribed and alive, or was lost less than <c>StaleAfter</c> ago.</summary>
    public bool FeedUp;

    /// <summary>Exchange event time of the last stored update (Unix ms).</summary>
    public long EventTime;

    /// <summary>Candles that closed, by <c>x:true</c> or by their interval ending; each counts once.</summary>
    public long ClosedCandles;

    /// <summary>True when the forming candle is the empty one that follows a candle whose interval ended.</summary>
    public bool RolledOver;

    public long OpenTime;
    public double Open;
    public double High;
    public double Low;
    public double Close;
    public double BaseVolume;
    public double QuoteVolume;
    public double TakerBuyBaseVolume;
    public double TakerBuyQuoteVolume;
    public long Trades;

    /// <summary>
    /// The most recently closed candle whose values are final: by <c>x:true</c>, by the next candle's update, or
    /// <see cref="ClosedCandleTracker.FinalUpdateGrace"/> after its interval ended.
    /// </summary>
    public ClosedCandle LastClosed;

    /// <summary>Closed candles whose final update may have been missed while the feed was lost (before their grace ended); never decreases.</summary>
    public long MissedCandles;

    /// <summary>Prices and volumes are served only for a stream with data whose feed is up: old prices never pass as live.</summary>
    public readonly bool IsLive => HasData && FeedUp;
}
