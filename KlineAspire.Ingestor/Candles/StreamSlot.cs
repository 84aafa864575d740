using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// The latest candle of one stream, preallocated at startup so that updates never allocate; its
/// <see cref="ClosedCandleTracker"/> keeps the candles that closed. Writers and readers take a per-slot lock, so a
/// reading never mixes two updates; it is uncontended except while two connections overlap during rotation, or a
/// scrape reads the slot at the instant an update lands.
/// </summary>
public sealed class StreamSlot
{
    private readonly Lock _gate = new();
    private readonly ClosedCandleTracker _closed;
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
    private bool _hasData;

    internal StreamSlot(StreamId id, FeedCoverage coverage)
    {
        Id = id;
        Calendar = KlineCalendar.Parse(id.Interval);
        Coverage = coverage;
        _closed = new ClosedCandleTracker(Calendar, coverage);
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

            if (!_hasData)
            {
                _closed.FirstUpdate(frame.OpenTime);
            }
            else if (frame.OpenTime > _openTime)
            {
                var stored = Stored();
                _closed.Superseded(in stored, frame.OpenTime);
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
            _closed.Stored(frame.OpenTime, frame.IsClosed);
            Volatile.Write(ref _hasData, true);
            return true;
        }
    }

    /// <summary>
    /// Makes <paramref name="candle"/>, read from REST history, the stream's closed candle if the slot knows none yet
    /// (<see cref="ClosedCandleTracker.Seed"/>): candles the feed closes always win.
    /// </summary>
    /// <returns>Whether the candle was taken.</returns>
    internal bool SeedClosed(ClosedCandle candle)
    {
        lock (_gate)
        {
            return _closed.Seed(candle, _hasData ? _openTime : null);
        }
    }

    /// <summary>The stored candle's values, as the closed candle they become once final.</summary>
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
            var stored = Stored();
            var coveredSinceUpdate = _closed.Read(in stored, nowUnixMs, currentOpenTime, ref reading);
            if (currentOpenTime > _openTime && coveredSinceUpdate)
            {
                // No update since the candle's interval ended on a feed covered since: the candle forming now has had
                // no trades pushed yet, which is how Binance's own history shows it (every price at the last close, no
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
