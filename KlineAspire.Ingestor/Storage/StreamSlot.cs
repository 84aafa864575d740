using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Streams;

namespace KlineAspire.Ingestor.Storage;

/// <summary>
/// The latest candle of one stream, and the last one that closed, preallocated at startup so that updates never allocate. Writers and readers
/// take a per-slot lock, so a reading never mixes two updates; it is uncontended except while two connections
/// overlap during rotation, or a scrape reads the slot at the instant an update lands.
/// </summary>
public sealed class StreamSlot
{
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

    // Closed candles. A candle's final values are its last update's, trusted only if that update was x:true or the
    // feed stayed covered from it to the candle's end: losses are counted by the coverage, and the count at the
    // update dates the first loss after it. Coverage counts losses of a subscribed connection only; an update that
    // arrives while a connection is still subscribing is judged by the losses after it, which start once it covers.
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

            if (_hasData && frame.OpenTime > _openTime)
            {
                // The stored candle is over: it closes now if x:true never came, and so do the empty candles between.
                _closedCandles += ClosesBefore(frame.OpenTime);
                _lastCountedOpenTime = Calendar.PreviousOpenTime(frame.OpenTime);
                var gap = Coverage.FirstLossAfter(_lossesAtUpdate);
                _closedBeforeStored = LastClosedBefore(frame.OpenTime, gap);
                // A miss once reported stays counted, even if a late x:true turned up for it: counters never go back.
                _missedCandles = Math.Max(_missedCandles + MissedBefore(frame.OpenTime, gap), _missedReported);
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

    /// <summary>Closes counted when the stored candle gives way to the candle opening at <paramref name="openTime"/>.</summary>
    private long ClosesBefore(long openTime)
    {
        var stored = _lastCountedOpenTime < _openTime ? 1 : 0;
        return stored + Calendar.CandlesBetween(Calendar.NextOpenTime(_openTime), openTime);
    }

    /// <summary>
    /// The last candle that closed before the one opening at <paramref name="openTime"/>: the stored candle, the
    /// empty one after it, or the one closed before it; unknown if the feed was lost (from <paramref name="gap"/> on)
    /// before that candle ended without its x:true having come.
    /// </summary>
    private ClosedCandle LastClosedBefore(long openTime, long? gap)
    {
        if (openTime <= _openTime)
        {
            return _storedIsFinal ? Stored() : _closedBeforeStored;
        }

        var previous = Calendar.PreviousOpenTime(openTime);
        if (gap < openTime && !(previous == _openTime && _storedIsFinal))
        {
            return default;
        }

        return previous == _openTime ? Stored() : ClosedCandle.Empty(previous, _close);
    }

    /// <summary>Candles from the stored one up to the one opening at <paramref name="openTime"/> that ended after the feed was lost at <paramref name="gap"/>, without x:true.</summary>
    private long MissedBefore(long openTime, long? gap)
    {
        if (gap is not { } lostAt || openTime <= _openTime)
        {
            return 0;
        }

        var storedEnd = Calendar.NextOpenTime(_openTime);
        var stored = !_storedIsFinal && lostAt < storedEnd ? 1 : 0;
        var firstMissedEmpty = lostAt < storedEnd ? storedEnd : Calendar.OpenTimeAt(lostAt);
        return stored + Calendar.CandlesBetween(firstMissedEmpty, openTime);
    }

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
            var gap = currentOpenTime > _openTime ? Coverage.FirstLossAfter(_lossesAtUpdate) : null;
            reading.LastClosed = LastClosedBefore(currentOpenTime, gap);
            _missedReported = Math.Max(_missedReported, _missedCandles + MissedBefore(currentOpenTime, gap));
            reading.MissedCandles = _missedReported;
            if (currentOpenTime > _openTime)
            {
                // No update since the candle's interval ended: the candle forming now has had no trades, which is
                // how Binance's own history shows it (every price at the last close, no volume).
                reading.RolledOver = true;
                reading.ClosedCandles = _closedCandles + ClosesBefore(currentOpenTime);
                reading.OpenTime = currentOpenTime;
                reading.Open = reading.High = reading.Low = reading.Close = _close;
                return;
            }

            reading.ClosedCandles = _closedCandles;
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
