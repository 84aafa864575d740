using KlineAspire.Ingestor.Configuration;

namespace KlineAspire.Ingestor.Streams;

/// <summary>
/// Expands symbols × intervals into streams and spreads them over as few connections as Binance's
/// per-connection stream limit allows, evenly, so no connection starts out at the edge of the limit.
/// </summary>
public static class StreamPlanner
{
    public static StreamPlan Plan(BinanceOptions options) =>
        Plan(options.Symbols, options.Intervals, options.MaxStreamsPerConnection);

    public static StreamPlan Plan(IEnumerable<string> symbols, IEnumerable<string> intervals, int maxStreamsPerConnection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreamsPerConnection, 1);
        var intervalList = intervals.Distinct(StringComparer.Ordinal).ToList();
        var streams = symbols
            .Select(symbol => symbol.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .SelectMany(symbol => intervalList.Select(interval => new StreamId(symbol, interval)))
            .ToList();

        var connectionCount = (streams.Count + maxStreamsPerConnection - 1) / maxStreamsPerConnection;
        var connections = new List<ConnectionPlan>(connectionCount);
        var offset = 0;
        for (var index = 0; index < connectionCount; index++)
        {
            // Spread the remainder over the first connections: 3000 streams become 1000/1000/1000, not 1024/1024/952.
            var size = streams.Count / connectionCount + (index < streams.Count % connectionCount ? 1 : 0);
            connections.Add(new ConnectionPlan(index, streams.GetRange(offset, size)));
            offset += size;
        }

        return new StreamPlan(streams, connections);
    }
}
