using System.Collections.Concurrent;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.History;

/// <summary>The history fetched so far for every stream the ingestor has carried, written by the fetch and read by <c>/history</c>.</summary>
public sealed class HistoryBook
{
    private readonly ConcurrentDictionary<string, StreamHistory> _streams = new(StringComparer.Ordinal);

    /// <summary>Every stream's history, by symbol and interval.</summary>
    public IReadOnlyList<StreamHistory> Streams => [.. _streams.Values.OrderBy(s => s.Stream.Symbol, StringComparer.Ordinal).ThenBy(s => s.Stream.Interval, StringComparer.Ordinal)];

    /// <summary>Every stream's history has been fetched or given up (true when there is none to fetch).</summary>
    public bool IsComplete => _streams.Values.All(s => s.State != HistoryState.Pending);

    /// <summary>Adds the streams not tracked yet, pending; returns how many were added.</summary>
    public int Track(IEnumerable<StreamId> streams) => streams.Count(stream => _streams.TryAdd(stream.Key, StreamHistory.Pending(stream)));

    public IReadOnlyList<StreamId> PendingStreams => [.. _streams.Values.Where(s => s.State == HistoryState.Pending).Select(s => s.Stream)];

    public void Set(StreamHistory history) => _streams[history.Stream.Key] = history;

    public int Count(HistoryState state) => _streams.Values.Count(s => s.State == state);

    public long Candles => _streams.Values.Sum(s => (long)s.Candles.Count);
}
