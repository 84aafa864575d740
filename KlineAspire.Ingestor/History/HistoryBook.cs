using System.Collections.Concurrent;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.History;

/// <summary>The history fetched so far for every stream the ingestor has carried, written by the fetch and read by <c>/history</c>.</summary>
public sealed class HistoryBook
{
    private readonly ConcurrentDictionary<string, StreamHistory> _streams = new(StringComparer.Ordinal);

    // Changes are numbered and read under one lock, so that a snapshot holds every change up to its number and none after.
    private readonly Lock _gate = new();
    private long _changes;
    private bool _tracked;

    /// <summary>
    /// This run of the ingestor: an importer that sees it change knows the ingestor restarted, and that the new run's
    /// history covers time its Prometheus may already hold (<c>X-Kline-Ingestor-Run</c>).
    /// </summary>
    public string Run { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Every stream's history, by symbol and interval.</summary>
    public IReadOnlyList<StreamHistory> Streams => [.. _streams.Values.OrderBy(s => s.Stream.Symbol, StringComparer.Ordinal).ThenBy(s => s.Stream.Interval, StringComparer.Ordinal)];

    /// <summary>
    /// Every stream's history has been fetched or given up (true when there is none to fetch). Not before the streams
    /// were first tracked: an importer that asked in the moment between the ingestor's start and the fetch's first look
    /// would otherwise see an empty book that is "complete".
    /// </summary>
    public bool IsComplete => Volatile.Read(ref _tracked) && _streams.Values.All(s => s.State != HistoryState.Pending);

    /// <summary>
    /// Adds the streams not tracked yet, pending; returns how many were added. With history off, tracking none says
    /// there is nothing to wait for.
    /// </summary>
    public int Track(IEnumerable<StreamId> streams)
    {
        var added = streams.Count(stream => _streams.TryAdd(stream.Key, StreamHistory.Pending(stream)));
        Volatile.Write(ref _tracked, true);
        return added;
    }

    public IReadOnlyList<StreamId> PendingStreams => [.. _streams.Values.Where(s => s.State == HistoryState.Pending).Select(s => s.Stream)];

    /// <summary>Replaces a tracked stream's history with what <paramref name="change"/> makes of it, numbered as the latest change.</summary>
    public void Update(StreamId stream, Func<StreamHistory, StreamHistory> change)
    {
        lock (_gate)
        {
            _streams[stream.Key] = change(_streams[stream.Key]) with { Change = ++_changes };
        }
    }

    /// <summary>Every stream's history, whether all is in, and the number of the latest change they hold.</summary>
    public (IReadOnlyList<StreamHistory> Streams, bool Complete, long Change) Snapshot()
    {
        lock (_gate)
        {
            return (Streams, IsComplete, _changes);
        }
    }

    public int Count(HistoryState state) => _streams.Values.Count(s => s.State == state);

    public long Candles => _streams.Values.Sum(s => (long)s.Candles.Count);
}
