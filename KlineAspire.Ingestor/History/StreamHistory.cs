using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// One stream's history: its closed candles from REST, oldest first, and the cut-off (Unix ms), the instant they were
/// read, after which the live feed speaks for the stream. Immutable; a change replaces it.
/// </summary>
public sealed record StreamHistory(StreamId Stream, HistoryState State, IReadOnlyList<ClosedCandle> Candles, long CutoffUnixMs)
{
    public static StreamHistory Pending(StreamId stream) => new(stream, HistoryState.Pending, [], 0);
}
