using System.Text;

namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// The latest candle of every configured stream. The set of streams changes only when listings do (every
/// <c>SymbolRefreshInterval</c> at most), while frames look up slots thousands of times a second; so the set is an
/// immutable snapshot (slots plus lookup) that a change replaces as a whole (copy-on-write). A frame reads the
/// current snapshot once, and a lookup is a dictionary probe on a span plus a write into a preallocated slot, with
/// no lock and no allocation. Slots that stay keep their candle across changes. The streams of one connection
/// share that connection's <see cref="FeedCoverage"/>, which the stream set's owner creates.
/// </summary>
public sealed class KlineStore
{
    // Symbols are at most 32 characters and intervals 3, so a frame's key always fits; longer input is no stream of ours.
    private const int MaxKeyChars = 64;

    private readonly Lock _writeGate = new();
    private volatile Snapshot _snapshot;

    /// <summary>An empty store; the owner of the stream set adds streams with the coverage of the connection that carries them.</summary>
    public KlineStore() => _snapshot = new Snapshot([]);

    /// <summary>The current streams. A caller that reads several properties of one collection keeps this list, which never changes.</summary>
    public IReadOnlyList<StreamSlot> Slots => _snapshot.Slots;

    public int Count => _snapshot.Slots.Length;

    /// <summary>
    /// Adds the streams of several connections as one change, each with its connection's coverage; streams already
    /// stored are left as they are. Each change copies the whole stream set (readers never lock), so a listing that
    /// opens 47 connections at once makes one copy, not 47 large ones left to the GC.
    /// </summary>
    public void Add(IReadOnlyList<(IEnumerable<StreamId> Streams, FeedCoverage Coverage)> connections)
    {
        lock (_writeGate)
        {
            var current = _snapshot;
            var added = connections
                .SelectMany(connection => connection.Streams.Select(stream => (Stream: stream, connection.Coverage)))
                .Where(entry => !current.ByKey.Dictionary.ContainsKey(entry.Stream.Key)).DistinctBy(entry => entry.Stream.Key)
                .Select(entry => new StreamSlot(entry.Stream, entry.Coverage)).ToList();
            if (added.Count > 0)
            {
                _snapshot = new Snapshot([.. current.Slots, .. added]);
            }
        }
    }

    /// <summary>Removes streams: their series leave the next collection, and frames for them are no longer stored.</summary>
    public void Remove(IEnumerable<StreamId> streams)
    {
        lock (_writeGate)
        {
            var current = _snapshot;
            var removed = streams.Select(stream => stream.Key).ToHashSet(StringComparer.Ordinal);
            _snapshot = new Snapshot(current.Slots.Where(slot => !removed.Contains(slot.Id.Key)).ToArray());
        }
    }

    /// <summary>The slot of <paramref name="stream"/>, if the store holds it (off the hot path: history seeds closed candles with it).</summary>
    public StreamSlot? Find(StreamId stream) => _snapshot.ByKey.Dictionary.GetValueOrDefault(stream.Key);

    /// <summary>
    /// Finds the slot for a payload's symbol and interval (UTF-8, as received); <paramref name="utc8"/> when the
    /// combined wrapper named an <c>@+08:00</c> stream, whose payload carries the bare interval.
    /// </summary>
    public bool TryGetSlot(ReadOnlySpan<byte> symbol, ReadOnlySpan<byte> interval, bool utc8, out StreamSlot slot)
    {
        Span<char> key = stackalloc char[MaxKeyChars];
        if (symbol.Length + interval.Length + 1 + KlineCalendar.Utc8Suffix.Length > MaxKeyChars
            || !Encoding.UTF8.TryGetChars(symbol, key, out var symbolChars))
        {
            slot = null!;
            return false;
        }

        // Binance sends symbols in upper case; folding ASCII here keeps a lower-case clone of the protocol working too.
        for (var index = 0; index < symbolChars; index++)
        {
            key[index] = char.ToUpperInvariant(key[index]);
        }

        key[symbolChars] = '|';
        if (!Encoding.UTF8.TryGetChars(interval, key[(symbolChars + 1)..], out var intervalChars))
        {
            slot = null!;
            return false;
        }

        var length = symbolChars + 1 + intervalChars;
        if (utc8)
        {
            KlineCalendar.Utc8Suffix.AsSpan().CopyTo(key[length..]);
            length += KlineCalendar.Utc8Suffix.Length;
        }

        return _snapshot.ByKey.TryGetValue(key[..length], out slot!);
    }

    public StoreCensus Census(long nowUnixMs, long staleAfterMs)
    {
        int withData = 0, feedUp = 0, live = 0;
        var slots = _snapshot.Slots;
        foreach (var slot in slots)
        {
            var up = slot.Coverage.IsLive(nowUnixMs, staleAfterMs);
            var hasData = slot.HasData;
            withData += hasData ? 1 : 0;
            feedUp += up ? 1 : 0;
            live += up && hasData ? 1 : 0;
        }

        return new StoreCensus(slots.Length, withData, feedUp, live);
    }

    private sealed class Snapshot
    {
        public Snapshot(StreamSlot[] slots)
        {
            Slots = slots;
            ByKey = slots.ToDictionary(slot => slot.Id.Key, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public StreamSlot[] Slots { get; }

        public Dictionary<string, StreamSlot>.AlternateLookup<ReadOnlySpan<char>> ByKey { get; }
    }
}
