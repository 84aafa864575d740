using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// The latest candle of one stream, and the last one that closed, preallocated at startup so that updates never allocate. Writers and readers
/// take a per-slot lock, so a reading never mixes two updates; it is uncontended except while two connections
/// overlap during rotation, or a scrape reads the slot at the instant an update lands.
/// </summary>
public sealed class StreamSlot
{
    /// <summary>
    /// How long a candle closed by time, without <c>x:true</c>, waits after its end on a covered feed before it is
    /// published as closed: Binance pushes a candle's last trades only in its final update, a moment after the close,
    /// with the stream's next push (at most 2 s later, 1 s for <c>1s</c>). Justified in docs/binance-protocol.md, "The
    /// final update".
    /// </summary>
    public static readonly TimeSpan FinalUpdateGrace = TimeSpan.FromSeconds(5);

    private static readonly long FinalUpdateGraceMs = (long)FinalUpdateGrace.TotalMilliseconds;

    private readonly Lock _gate = new();
    private long _eventTime;
    private long _openTime;
    private double _open;
    private double _high;
    private double _low;
    private double _close;
    private double _baseVolume;
    private double _quoteVolume;
    private double _takerBuyBaseVolume;
    private double _takerBuyQuoteVolume;
    private long _trades;
    private long _closedCandles;
    private long _lastCountedOpenTime = long.MinValue;
    private long _updatesApplied;
    private bool _hasData;

    // Closed candles. A candle's final values are its last update's, trusted once the candle is settled: by its x:true,
    // by the next candle's first update on a feed covered since (Binance sends a candle's final update before the next
    // candle's), or by the feed staying covered for FinalUpdateGrace after the candle's end. Losses are counted by the
    // coverage, and the count at the update dates the first loss after it. Coverage counts losses of a subscribed
    // connection only; an update that arrives while a connection is still subscribing is judged by the losses after
    // it, which start once it covers.
    private bool _storedIsFinal;
    private int _lossesAtUpdate;
    private ClosedCandle _closedBeforeStored;
    private long _missedCandles;
    private long _missedReported;

    internal StreamSlot(StreamId id, FeedCoverage coverage)
    {
        Id = id;
        Calendar = KlineCalendar.Parse(id.Interval);
        Coverage = coverage;
        // Sorted by key: OpenTelemetry stores an unsorted tag set twice (as given and sorted), for every series.
        Tags = [new("interval", id.Interval), new("symbol", id.Symbol)];
    }

    public StreamId Id { get; }

    public KlineCalendar Calendar { get; }

    /// <summary>The delivery state of the connection that carries this stream.</summary>
    public FeedCoverage Coverage { get; }

    /// <summary>The labels of every series of this stream, built once.</summary>
    internal KeyValuePair<string, object?>[] Tags { get; }

    public bool HasData => Volatile.Read(ref _hasData);

    /// <summary>Updates stored (duplicates and older updates are not), for tests that compare with what was sent.</summary>
    public long UpdatesApplied => Volatile.Read(ref _updatesApplied);

    /// <summary>
    /// Applies an update unless it is older than what the slot holds: while a connection is being replaced both
    /// deliver the same updates, and a late duplicate must not roll the candle back or count a close twice.
    /// </summary>
    internal bool Apply(ref readonly ParsedFrame frame)
    {
        lock (_gate)
        {
            if (_hasData && (frame.OpenTime < _openTime || frame.EventTime <= _eventTime))
            {
                return false;
            }

            if (!_hasData && _closedBeforeStored.Known && _closedBeforeStored.OpenTime != Calendar.PreviousOpenTime(frame.OpenTime))
            {
                // A candle seeded from history before any update is the closed one only if it directly precedes the first
                // candle received; otherwise the candles between are unknown, a gap as for a feed lost.
                _closedBeforeStored = default;
            }

            if (_hasData && frame.OpenTime > _openTime)
            {
                // The stored candle is over: it closes now if x:true never came, and so do the empty candles between.
                _closedCandles += ClosesBefore(frame.OpenTime);
                _lastCountedOpenTime = Calendar.PreviousOpenTime(frame.OpenTime);
                // On a feed covered since the stored update, this update proves that no final update is still to come
                // for the candles before it: each one's last update is final.
                var gap = Coverage.FirstLossAfter(_lossesAtUpdate);
                _closedBeforeStored = JudgeClosed(frame.OpenTime, gap is { } lostAt ? GraceBefore(lostAt) : frame.OpenTime, gap is not null, out var missed);
                // A miss once reported stays counted, even if a late x:true turned up for it: counters never go back.
                _missedCandles = Math.Max(_missedCandles + missed, _missedReported);
            }

            _eventTime = frame.EventTime;
            _openTime = frame.OpenTime;
            _open = frame.Open;
            _high = frame.High;
            _low = frame.Low;
            _close = frame.Close;
            _baseVolume = frame.BaseVolume;
            _quoteVolume = frame.QuoteVolume;
            _takerBuyBaseVolume = frame.TakerBuyBaseVolume;
            _takerBuyQuoteVolume = frame.TakerBuyQuoteVolume;
            _trades = frame.Trades;
            _storedIsFinal = frame.IsClosed;
            _lossesAtUpdate = Coverage.Losses;
            if (frame.IsClosed && frame.OpenTime > _lastCountedOpenTime)
            {
                _lastCountedOpenTime = frame.OpenTime;
                _closedCandles++;
            }

            _updatesApplied++;
            Volatile.Write(ref _hasData, true);
            return true;
        }
    }

    /// <summary>
    /// Makes <paramref name="candle"/>, read from REST history, the stream's closed candle if the slot knows none yet:
    /// no closed candle of its own, no final update stored, and the seeded candle directly precedes the stored one (or
    /// nothing is stored yet; then it must precede the first update). Candles the feed closes always win, and a seed is
    /// strictly older than any candle the slot knows, so the grace and missed-candle accounting never sees it.
    /// </summary>
    /// <returns>Whether the candle was taken.</returns>
    internal bool SeedClosed(ClosedCandle candle)
    {
        lock (_gate)
        {
            if (!candle.Known || _closedBeforeStored.Known || _storedIsFinal
                || (_hasData && candle.OpenTime != Calendar.PreviousOpenTime(_openTime)))
            {
                return false;
            }

            _closedBeforeStored = candle;
            return true;
        }
    }

    /// <summary>Closes counted when the stored candle gives way to the candle opening at <paramref name="openTime"/>.</summary>
    private long ClosesBefore(long openTime)
    {
        var stored = _lastCountedOpenTime < _openTime ? 1 : 0;
        return stored + Calendar.CandlesBetween(Calendar.NextOpenTime(_openTime), openTime);
    }

    /// <summary>
    /// The last closed candle known before the one opening at <paramref name="openTime"/>: the stored candle, an empty
    /// one after it, or the one closed before it. Candles that ended by <paramref name="settledThrough"/> are settled
    /// (the stored one also by its x:true); a candle that ended unsettled after the feed was <paramref name="lost"/>
    /// is missed (counted in <paramref name="missed"/>) and leaves the closed candle unknown, a gap rather than an
    /// earlier candle shown again. Unsettled while the feed is covered, a candle is still awaiting its final update,
    /// and the closed candle before it stays.
    /// </summary>
    private ClosedCandle JudgeClosed(long openTime, long settledThrough, bool lost, out long missed)
    {
        long? settled = _storedIsFinal ? _openTime : null;
        var through = Math.Min(settledThrough, openTime);
        if (through >= Calendar.NextOpenTime(_openTime))
        {
            settled = Calendar.PreviousOpenTime(Calendar.OpenTimeAt(through));
        }

        var firstUnsettled = settled is { } last ? Calendar.NextOpenTime(last) : _openTime;
        missed = lost ? Calendar.CandlesBetween(firstUnsettled, openTime) : 0;
        if (missed > 0)
        {
            return default;
        }

        return settled is not { } closed ? _closedBeforeStored
            : closed == _openTime ? Stored()
            : ClosedCandle.Empty(closed, _close);
    }

    /// <summary>The end a candle needed by <paramref name="lostAt"/> to have had its grace on a covered feed.</summary>
    private static long GraceBefore(long lostAt) => lostAt < long.MinValue + FinalUpdateGraceMs ? long.MinValue : lostAt - FinalUpdateGraceMs;

    private ClosedCandle Stored() => ClosedCandle.Of(_openTime, _open, _high, _low, _close, _baseVolume, _quoteVolume, _trades);

    /// <summary>Reads the stream as it stands at <paramref name="nowUnixMs"/>, from one update.</summary>
    public void Read(long nowUnixMs, long staleAfterMs, out StreamReading reading)
    {
        reading = default;
        reading.FeedUp = Coverage.IsLive(nowUnixMs, staleAfterMs);
        lock (_gate)
        {
            if (!_hasData)
            {
                return;
            }

            reading.HasData = true;
            reading.EventTime = _eventTime;
            var currentOpenTime = Calendar.OpenTimeAt(nowUnixMs);
            var ended = currentOpenTime > _openTime;
            var gap = Coverage.FirstLossAfter(_lossesAtUpdate);
            // Time settles candles, and rolls the forming one over, only while the feed covers it: from the last
            // update to now, without a loss. Not covered and no loss since means the update came on a connection still
            // subscribing, which settles nothing until it covers.
            var coveredSinceUpdate = gap is null && Coverage.IsCovered;
            var settledThrough = gap is { } lostAt ? GraceBefore(lostAt) : coveredSinceUpdate ? nowUnixMs - FinalUpdateGraceMs : long.MinValue;
            reading.LastClosed = JudgeClosed(currentOpenTime, settledThrough, gap is not null, out var missed);
            _missedReported = Math.Max(_missedReported, _missedCandles + missed);
            reading.MissedCandles = _missedReported;
            reading.ClosedCandles = ended ? _closedCandles + ClosesBefore(currentOpenTime) : _closedCandles;
            if (ended && coveredSinceUpdate)
            {
                // No update since the candle's interval ended on a covered feed: the candle forming now has had no
                // trades pushed yet, which is how Binance's own history shows it (every price at the last close, no
                // volume). While the feed is lost the forming candle stays the last one received: whether the
                // exchange had trades since is unknown.
                reading.RolledOver = true;
                reading.OpenTime = currentOpenTime;
                reading.Open = reading.High = reading.Low = reading.Close = _close;
                return;
            }

            reading.OpenTime = _openTime;
            reading.Open = _open;
            reading.High = _high;
            reading.Low = _low;
            reading.Close = _close;
            reading.BaseVolume = _baseVolume;
            reading.QuoteVolume = _quoteVolume;
            reading.TakerBuyBaseVolume = _takerBuyBaseVolume;
            reading.TakerBuyQuoteVolume = _takerBuyQuoteVolume;
            reading.Trades = _trades;
        }
    }
}
