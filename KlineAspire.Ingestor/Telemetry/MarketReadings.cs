using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Storage;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Telemetry;

/// <summary>
/// One reading of every stream per metrics collection, shared by all market-data instruments, so that one
/// <c>/metrics</c> response shows each stream's candle from one update, judged against one "now". OpenTelemetry
/// calls each instrument's callback once per collection and serialises collections; the first instrument to
/// come back for a second look is therefore the start of the next collection, whatever the order and whichever
/// instruments a view has dropped. The buffer is reused, so a collection allocates nothing per stream here.
/// </summary>
public sealed class MarketReadings
{
    private readonly KlineStore _store;
    private readonly TimeProvider _time;
    private readonly long _staleAfterMs;
    private readonly StreamReading[] _readings;
    private readonly Lock _gate = new();
    private ulong _observedBy;
    private long _collections;

    public MarketReadings(KlineStore store, IOptions<BinanceOptions> options, TimeProvider time)
    {
        _store = store;
        _time = time;
        _staleAfterMs = (long)options.Value.StaleAfter.TotalMilliseconds;
        _readings = new StreamReading[store.Count];
    }

    /// <summary>Readings taken so far; each is shared by one collection's instruments.</summary>
    public long Collections => Volatile.Read(ref _collections);

    /// <summary>The readings of the current collection for instrument number <paramref name="instrument"/> (0 to 63), in <see cref="KlineStore.Slots"/> order.</summary>
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
        for (var index = 0; index < slots.Count; index++)
        {
            slots[index].Read(now, _staleAfterMs, out _readings[index]);
        }

        _collections++;
    }
}
