using System.Text;
using KlineAspire.Ingestor.Streams;

namespace KlineAspire.Ingestor.Storage;

/// <summary>
/// The latest candle of every configured stream. The set of streams is fixed at startup, so lookups never add
/// entries and an update is a dictionary probe on a span plus a write into a preallocated slot.
/// </summary>
public sealed class KlineStore
{
    // Symbols are at most 32 characters and intervals 3, so a frame's key always fits; longer input is no stream of ours.
    private const int MaxKeyChars = 64;

    private readonly StreamSlot[] _slots;
    private readonly Dictionary<string, StreamSlot>.AlternateLookup<ReadOnlySpan<char>> _byKey;

    public KlineStore(IEnumerable<StreamId> streams)
    {
        _slots = streams.Select(stream => new StreamSlot(stream)).ToArray();
        var byKey = _slots.ToDictionary(slot => slot.Id.Key, StringComparer.Ordinal);
        _byKey = byKey.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<StreamSlot> Slots => _slots;

    public int Count => _slots.Length;

    /// <summary>Finds the slot for a payload's symbol and interval (UTF-8, as received).</summary>
    public bool TryGetSlot(ReadOnlySpan<byte> symbol, ReadOnlySpan<byte> interval, out StreamSlot slot)
    {
        Span<char> key = stackalloc char[MaxKeyChars];
        if (symbol.Length + interval.Length + 1 > MaxKeyChars
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

        return _byKey.TryGetValue(key[..(symbolChars + 1 + intervalChars)], out slot!);
    }

    public StreamSlot? Find(string symbol, string interval) =>
        _byKey.Dictionary.TryGetValue(StreamId.StoreKey(symbol.ToUpperInvariant(), interval), out var slot) ? slot : null;

    /// <summary>Receipt time of the most recent update of any stream, or null before the first one.</summary>
    public long? LastReceivedAtUnixMs()
    {
        long? latest = null;
        foreach (var slot in _slots)
        {
            if (slot.HasData && (latest is null || slot.ReceivedAtUnixMs > latest))
            {
                latest = slot.ReceivedAtUnixMs;
            }
        }

        return latest;
    }

    public int CountFresh(long nowUnixMs, long staleAfterMs)
    {
        var fresh = 0;
        foreach (var slot in _slots)
        {
            if (slot.IsFresh(nowUnixMs, staleAfterMs))
            {
                fresh++;
            }
        }

        return fresh;
    }

    public int CountWithData() => _slots.Count(slot => slot.HasData);
}
