using System.Collections.Concurrent;

namespace KlineAspire.Simulator;

/// <summary>
/// Kline updates written to clients per stream name, summed over the connections subscribed to it, so a test can
/// compare what a client applied per stream with what was sent per stream. Load-mode bursts are not counted.
/// </summary>
internal sealed class SentUpdateCounts
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> ByStream => _counts;

    public void Count(string streamName) => _counts.AddOrUpdate(streamName, 1, static (_, count) => count + 1);
}
