using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// One stream's history: its closed candles from REST, oldest first, and the cut-off (Unix ms), the instant they were
/// read, after which the live feed speaks for the stream. <see cref="Change"/>
/// orders the changes of all streams (<see cref="HistoryBook.Update"/>), so an importer can ask for what changed after the
/// last answer it had. Immutable; a change replaces it.
/// </summary>
public sealed record StreamHistory(StreamId Stream, HistoryState State, IReadOnlyList<ClosedCandle> Candles, long CutoffUnixMs)
{
    public long Change { get; init; }

    public static StreamHistory Pending(StreamId stream) => new(stream, HistoryState.Pending, [], 0);

    public StreamHistory Done(IReadOnlyList<ClosedCandle> candles, long cutoffUnixMs) => this with { State = HistoryState.Done, Candles = candles, CutoffUnixMs = cutoffUnixMs };

    public StreamHistory GivenUp(HistoryState state) => this with { State = state, Candles = [], CutoffUnixMs = 0 };
}
