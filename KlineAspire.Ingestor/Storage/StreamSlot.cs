using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Streams;

namespace KlineAspire.Ingestor.Storage;

/// <summary>
/// The latest candle of one stream, preallocated at startup so that updates never allocate.
/// Writers take a per-slot lock (uncontended except while two connections overlap during rotation);
/// gauge callbacks read single 64-bit fields, which are atomic, without it.
/// </summary>
public sealed class StreamSlot
{
    private readonly Lock _gate = new();
    private long _eventTime;
    private long _openTime;
    private long _closeTime;
    private double _open;
    private double _high;
    private double _low;
    private double _close;
    private double _baseVolume;
    private double _quoteVolume;
    private double _takerBuyBaseVolume;
    private double _takerBuyQuoteVolume;
    private long _trades;
    private bool _isClosed;
    private long _closedCandles;
    private long _lastClosedOpenTime = long.MinValue;
    private long _receivedAtUnixMs;
    private bool _hasData;

    internal StreamSlot(StreamId id)
    {
        Id = id;
        // Sorted by key: OpenTelemetry stores an unsorted tag set twice (as given and sorted), for every series.
        Tags = [new("interval", id.Interval), new("symbol", id.Symbol)];
    }

    public StreamId Id { get; }

    /// <summary>The labels of every series of this stream, built once.</summary>
    internal KeyValuePair<string, object?>[] Tags { get; }

    public bool HasData => Volatile.Read(ref _hasData);

    internal long EventTime => Volatile.Read(ref _eventTime);
    internal long OpenTime => Volatile.Read(ref _openTime);
    internal double Open => Volatile.Read(ref _open);
    internal double High => Volatile.Read(ref _high);
    internal double Low => Volatile.Read(ref _low);
    internal double Close => Volatile.Read(ref _close);
    internal double BaseVolume => Volatile.Read(ref _baseVolume);
    internal double QuoteVolume => Volatile.Read(ref _quoteVolume);
    internal double TakerBuyBaseVolume => Volatile.Read(ref _takerBuyBaseVolume);
    internal double TakerBuyQuoteVolume => Volatile.Read(ref _takerBuyQuoteVolume);
    internal long Trades => Volatile.Read(ref _trades);
    internal long ClosedCandles => Volatile.Read(ref _closedCandles);
    internal long ReceivedAtUnixMs => Volatile.Read(ref _receivedAtUnixMs);

    /// <summary>True when the stream has data and updated within <paramref name="staleAfterMs"/> of <paramref name="nowUnixMs"/>.</summary>
    internal bool IsFresh(long nowUnixMs, long staleAfterMs) => HasData && nowUnixMs - ReceivedAtUnixMs <= staleAfterMs;

    /// <summary>
    /// Applies an update unless it is older than what the slot holds: while a connection is being replaced both
    /// deliver the same updates, and a late duplicate must not roll the candle back or count a close twice.
    /// </summary>
    internal bool Apply(ref readonly ParsedFrame frame, long receivedAtUnixMs)
    {
        lock (_gate)
        {
            if (_hasData && (frame.OpenTime < _openTime || frame.EventTime < _eventTime))
            {
                return false;
            }

            _eventTime = frame.EventTime;
            _openTime = frame.OpenTime;
            _closeTime = frame.CloseTime;
            _open = frame.Open;
            _high = frame.High;
            _low = frame.Low;
            _close = frame.Close;
            _baseVolume = frame.BaseVolume;
            _quoteVolume = frame.QuoteVolume;
            _takerBuyBaseVolume = frame.TakerBuyBaseVolume;
            _takerBuyQuoteVolume = frame.TakerBuyQuoteVolume;
            _trades = frame.Trades;
            _isClosed = frame.IsClosed;
            if (frame.IsClosed && frame.OpenTime > _lastClosedOpenTime)
            {
                _lastClosedOpenTime = frame.OpenTime;
                _closedCandles++;
            }

            Volatile.Write(ref _receivedAtUnixMs, receivedAtUnixMs);
            Volatile.Write(ref _hasData, true);
            return true;
        }
    }

    public CandleSnapshot? Snapshot()
    {
        lock (_gate)
        {
            return _hasData
                ? new CandleSnapshot(_eventTime, _openTime, _closeTime, _open, _high, _low, _close, _baseVolume,
                    _quoteVolume, _takerBuyBaseVolume, _takerBuyQuoteVolume, _trades, _isClosed, _closedCandles, _receivedAtUnixMs)
                : null;
        }
    }
}
