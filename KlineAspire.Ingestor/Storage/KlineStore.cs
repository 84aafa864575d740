using System.Text;
using KlineAspire.Ingestor.Streams;

namespace KlineAspire.Ingestor.Storage;

/// <summary>
/// The latest candle of every configured stream. The set of streams is fixed at startup, so lookups never add
/// entries and an update is a dictionary probe on a span plus a write into a preallocated slot. The streams of one
/// planned connection share that connection's <see cref="FeedCoverage"/>.
/// </summary>
public sealed class KlineStore
{
    // Symbols are at most 32 characters and intervals 3, so a frame's key always fits; longer input is no stream of ours.
    private const int MaxKeyChars = 64;

    private readonly StreamSlot[] _slots;
    private readonly Dictionary<string, StreamSlot>.AlternateLookup<ReadOnlySpan<char>> _byKey;

    private readonly FeedCoverage[] _coverage;

    public KlineStore(StreamPlan plan)
    {
        _coverage = plan.Connections.Select(_ => new FeedCoverage()).ToArray();
        _slots = plan.Connections.SelectMany(connection => connection.Streams.Select(stream => new StreamSlot(stream, _coverage[connection.Index]))).ToArray();
        var byKey = _slots.ToDictionary(slot => slot.Id.Key, StringComparer.Ordinal);
        _byKey = byKey.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<StreamSlot> Slots => _slots;

    public int Count => _slots.Length;

    /// <summary>The delivery state shared by the streams of planned connection <paramref name="connectionIndex"/>.</summary>
    public FeedCoverage Coverage(int connectionIndex) => _coverage[connectionIndex];

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

        return _byKey.TryGetValue(key[..length], out slot!);
    }

    public StreamSlot? Find(string symbol, string interval) =>
        _byKey.Dictionary.TryGetValue(StreamId.StoreKey(symbol.ToUpperInvariant(), interval), out var slot) ? slot : null;

    public StoreCensus Census(long nowUnixMs, long staleAfterMs)
    {
        int withData = 0, feedUp = 0, live = 0;
        foreach (var slot in _slots)
        {
            var up = slot.Coverage.IsLive(nowUnixMs, staleAfterMs);
            var hasData = slot.HasData;
            withData += hasData ? 1 : 0;
            feedUp += up ? 1 : 0;
            live += up && hasData ? 1 : 0;
        }

        return new StoreCensus(_slots.Length, withData, feedUp, live);
    }
}
