using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.History;

/// <summary>One stream's candles as one <c>GET /history</c> serves them, oldest first, and the last instant (Unix ms) a sample may have.</summary>
public readonly record struct ServedHistory(StreamId Stream, IReadOnlyList<ClosedCandle> Candles, long LastSampleUnixMs);
