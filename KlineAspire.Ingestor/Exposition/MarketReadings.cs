using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// One reading of every stream per metrics collection, shared by all market-data instruments, so that one
/// <c>/metrics</c> response shows each stream's candle from one update, judged against one "now". OpenTelemetry
/// calls each instrument's callback once per collection and serialises collections; the first instrument to
/// come back for a second look is therefore the start of the next collection, whatever the order and whichever
/// instruments a view has dropped. The buffer is reused, so a collection allocates nothing per stream here; it is
/// replaced only when the stream set changes size (listings, every <c>SymbolRefreshInterval</c> at most).
/// </summary>
public sealed class MarketReadings
{
    private readonly KlineStore _store;
    private readonly TimeProvider _time;
    private readonly long _staleAfterMs;
    private StreamReading[] _readings;
    private IReadOnlyList<StreamSlot> _slots;
    private readonly Lock _gate = new();
    private ulong _observedBy;
    private long _collections;

    public MarketReadings(KlineStore store, IOptions<BinanceOptions> options, TimeProvider time)
    {
        _store = store;
        _time = time;
        _staleAfterMs = (long)options.Value.StaleAfter.TotalMilliseconds;
        _slots = store.Slots;
        _readings = new StreamReading[_slots.Count];
    }

    /// <summary>The streams of the current collection, in the order of its readings: the store may have changed since.</summary>
    public IReadOnlyList<StreamSlot> Slots
    {
        get
        {
            lock (_gate)
            {
                return _slots;
            }
        }
    }

    /// <summary>The readings of the current collection for instrument number <paramref name="instrument"/> (0 to 63), in <see cref="Slots"/> order.</summary>
    /// <summary>
    /// Readings taken so far. Internal: the one proof that a reading belongs to this provider's collections alone (an
    /// OTLP export that started one would leave a scrape serving a reading not taken at the scrape, with nothing torn to see).
    /// </summary>
    internal long Collections => Volatile.Read(ref _collections);

    public StreamReading[] For(int instrument)
    {
        var bit = 1UL << instrument;
        lock (_gate)
        {
            if (_observedBy == 0 || (_observedBy & bit) != 0)
            {
                Refresh();
                _observedBy = 0;
            }

            _observedBy |= bit;
            return _readings;
        }
    }

    private void Refresh()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var slots = _store.Slots;
        if (slots.Count != _readings.Length)
        {
            _readings = new StreamReading[slots.Count];
        }

        _slots = slots;
        for (var index = 0; index < slots.Count; index++)
        {
            slots[index].Read(now, _staleAfterMs, out _readings[index]);
        }

        _collections++;
    }
}
