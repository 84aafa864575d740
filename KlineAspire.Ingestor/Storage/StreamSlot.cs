using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Streams;

namespace KlineAspire.Ingestor.Storage;

/// <summary>
/// The latest candle of one stream, preallocated at startup so that updates never allocate. Writers and readers
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
