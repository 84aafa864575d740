namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// The closed-candle and gap accounting of one stream: how many candles closed, the last one whose values are final,
/// and how many were missed while the feed was lost. A candle's final values are its last update's, trusted once the
/// candle is settled: by its x:true, by the next candle's first update on a feed covered since (Binance sends a
/// candle's final update before the next candle's), or by the feed staying covered for <see cref="FinalUpdateGrace"/>
/// after the candle's end. Losses are counted by the coverage, and the count at the update dates the first loss after
/// it. Coverage counts losses of a subscribed connection only; an update that arrives while a connection is still
/// subscribing is judged by the losses after it, which start once it covers.
/// Not thread-safe: its <see cref="StreamSlot"/> calls it under the slot's lock, with the candle the slot stores.
/// </summary>
internal sealed class ClosedCandleTracker(KlineCalendar calendar, FeedCoverage coverage)
{
    /// <summary>
    /// How long a candle closed by time, without <c>x:true</c>, waits after its end on a covered feed before it is
    /// published as closed: Binance pushes a candle's last trades only in its final update, a moment after the close,
    /// with the stream's next push (at most 2 s later, 1 s for <c>1s</c>). Justified in docs/binance-protocol.md, "The
    /// final update".
    /// </summary>
    public static readonly TimeSpan FinalUpdateGrace = TimeSpan.FromSeconds(5);

    private static readonly long FinalUpdateGraceMs = (long)FinalUpdateGrace.TotalMilliseconds;

    private long _closedCandles;
    private long _lastCountedOpenTime = long.MinValue;
    private bool _storedIsFinal;
    private int _lossesAtUpdate;
    private ClosedCandle _closedBeforeStored;
    private long _missedCandles;
    private long _missedReported;

    /// <summary>
    /// The <paramref name="stored"/> candle gives way to a later one opening at <paramref name="openTime"/>: it closes
    /// now if x:true never came, and so do the empty candles between.
    /// </summary>
    public void Superseded(in ClosedCandle stored, long openTime)
    {
        _closedCandles += ClosesBefore(stored.OpenTime, openTime);
        _lastCountedOpenTime = calendar.PreviousOpenTime(openTime);
        // On a feed covered since the stored update, this update proves that no final update is still to come for the
        // candles before it: each one's last update is final.
        var gap = coverage.FirstLossAfter(_lossesAtUpdate);
        _closedBeforeStored = JudgeClosed(in stored, openTime, gap is { } lostAt ? GraceBefore(lostAt) : openTime, gap is not null, out var missed);
        // A miss once reported stays counted, even if a late x:true turned up for it: counters never go back.
        _missedCandles = Math.Max(_missedCandles + missed, _missedReported);
    }

    /// <summary>
    /// Takes <paramref name="candle"/>, read from REST history, as the closed candle if none is known yet: no closed
    /// candle of its own, no final update stored, and the seeded candle directly precedes the stored one (or, with
    /// nothing stored yet, must precede the first update: <see cref="FirstUpdate"/>). A seed is therefore strictly older
    /// than any candle the stream knows, so the grace and missed-candle accounting never judges it.
    /// </summary>
    public bool Seed(ClosedCandle candle, long? storedOpenTime)
    {
        if (!candle.Known || _closedBeforeStored.Known || _storedIsFinal
            || (storedOpenTime is { } stored && candle.OpenTime != calendar.PreviousOpenTime(stored)))
        {
            return false;
        }

        _closedBeforeStored = candle;
        return true;
    }

    /// <summary>
    /// The stream's first update opens at <paramref name="openTime"/>: a candle seeded before it is the closed one only if
    /// it directly precedes; otherwise the candles between are unknown, a gap as for a feed lost.
    /// </summary>
    public void FirstUpdate(long openTime)
    {
        if (_closedBeforeStored.Known && _closedBeforeStored.OpenTime != calendar.PreviousOpenTime(openTime))
        {
            _closedBeforeStored = default;
        }
    }

    /// <summary>An update of the candle opening at <paramref name="openTime"/> was stored; <paramref name="isFinal"/> when it carried x:true.</summary>
    public void Stored(long openTime, bool isFinal)
    {
        _storedIsFinal = isFinal;
        _lossesAtUpdate = coverage.Losses;
        if (isFinal && openTime > _lastCountedOpenTime)
        {
            _lastCountedOpenTime = openTime;
            _closedCandles++;
        }
    }

    /// <summary>
    /// Fills the closed-candle part of <paramref name="reading"/> at <paramref name="nowUnixMs"/>, when the candle
    /// forming is the one opening at <paramref name="currentOpenTime"/>. Returns whether the feed has covered the stream
    /// since the <paramref name="stored"/> update without a loss: only then does time roll the forming candle over.
    /// </summary>
    public bool Read(in ClosedCandle stored, long nowUnixMs, long currentOpenTime, ref StreamReading reading)
    {
        var gap = coverage.FirstLossAfter(_lossesAtUpdate);
        // Time settles candles only while the feed covers them: from the last update to now, without a loss. Not
        // covered and no loss since means the update came on a connection still subscribing, which settles nothing
        // until it covers.
        var coveredSinceUpdate = gap is null && coverage.IsCovered;
        var settledThrough = gap is { } lostAt ? GraceBefore(lostAt) : coveredSinceUpdate ? nowUnixMs - FinalUpdateGraceMs : long.MinValue;
        reading.LastClosed = JudgeClosed(in stored, currentOpenTime, settledThrough, gap is not null, out var missed);
        _missedReported = Math.Max(_missedReported, _missedCandles + missed);
        reading.MissedCandles = _missedReported;
        reading.ClosedCandles = currentOpenTime > stored.OpenTime ? _closedCandles + ClosesBefore(stored.OpenTime, currentOpenTime) : _closedCandles;
        return coveredSinceUpdate;
    }

    /// <summary>
    /// Closes counted when the candle stored at <paramref name="storedOpenTime"/> gives way to the candle opening at
    /// <paramref name="openTime"/>.
    /// </summary>
    private long ClosesBefore(long storedOpenTime, long openTime)
    {
        var stored = _lastCountedOpenTime < storedOpenTime ? 1 : 0;
        return stored + calendar.CandlesBetween(calendar.NextOpenTime(storedOpenTime), openTime);
    }

    /// <summary>
    /// The last closed candle known before the one opening at <paramref name="openTime"/>: the stored candle, an empty
    /// one after it, or the one closed before it. Candles that ended by <paramref name="settledThrough"/> are settled
    /// (the stored one also by its x:true); a candle that ended unsettled after the feed was <paramref name="lost"/>
    /// is missed (counted in <paramref name="missed"/>) and leaves the closed candle unknown, a gap rather than an
    /// earlier candle shown again. Unsettled while the feed is covered, a candle is still awaiting its final update,
    /// and the closed candle before it stays.
    /// </summary>
    private ClosedCandle JudgeClosed(in ClosedCandle stored, long openTime, long settledThrough, bool lost, out long missed)
    {
        long? settled = _storedIsFinal ? stored.OpenTime : null;
        var through = Math.Min(settledThrough, openTime);
        if (through >= calendar.NextOpenTime(stored.OpenTime))
        {
            settled = calendar.PreviousOpenTime(calendar.OpenTimeAt(through));
        }

        var firstUnsettled = settled is { } last ? calendar.NextOpenTime(last) : stored.OpenTime;
        missed = lost ? calendar.CandlesBetween(firstUnsettled, openTime) : 0;
        if (missed > 0)
        {
            return default;
        }

        return settled is not { } closed ? _closedBeforeStored
            : closed == stored.OpenTime ? stored
            : ClosedCandle.Empty(closed, stored.Close);
    }

    /// <summary>The end a candle needed by <paramref name="lostAt"/> to have had its grace on a covered feed.</summary>
    private static long GraceBefore(long lostAt) => lostAt < long.MinValue + FinalUpdateGraceMs ? long.MinValue : lostAt - FinalUpdateGraceMs;
}
