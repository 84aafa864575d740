using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Expands symbols × intervals into streams and spreads them over as few connections as Binance's
/// per-connection stream limit allows, evenly, so no connection starts out at the edge of the limit. Later
/// additions go where there is room (<see cref="Place"/>), so a listing never moves a stream that is flowing.
/// </summary>
public static class StreamPlanner
{
    /// <summary>
    /// The plan to start with: the literal symbols, which need no exchangeInfo. Patterns join once exchangeInfo
    /// has been read (see <c>SymbolRefreshService</c>).
    /// </summary>
    public static StreamPlan Plan(BinanceOptions options) =>
        Plan(options.Symbols.Where(symbol => !symbol.Contains(SymbolPattern.Wildcard, StringComparison.Ordinal)), options.Intervals,
            options.MaxStreamsPerConnection);

    public static StreamPlan Plan(IEnumerable<string> symbols, IEnumerable<string> intervals, int maxStreamsPerConnection) =>
        Spread(Expand(symbols, intervals), maxStreamsPerConnection);

    /// <summary>Every stream of the symbols at the intervals, symbols in upper case and each stream once.</summary>
    public static List<StreamId> Expand(IEnumerable<string> symbols, IEnumerable<string> intervals)
    {
        var intervalList = intervals.Distinct(StringComparer.Ordinal).ToList();
        return symbols
            .Select(symbol => symbol.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .SelectMany(symbol => intervalList.Select(interval => new StreamId(symbol, interval)))
            .ToList();
    }

    /// <summary>
    /// Places new streams on live connections without moving any existing stream: each goes to the least-loaded
    /// connection with room (levelling them), and what does not fit is spread evenly over as few new connections as
    /// the limit allows, as <see cref="Plan(IEnumerable{string}, IEnumerable{string}, int)"/> spreads a fresh start.
    /// </summary>
    /// <param name="loads">The stream count of each live connection, in the caller's order.</param>
    /// <returns>The streams to add to each live connection (same order as <paramref name="loads"/>), and the streams of each new connection.</returns>
    public static (List<StreamId>[] ToExisting, List<List<StreamId>> ToNew) Place(IReadOnlyList<int> loads, IReadOnlyList<StreamId> added,
        int maxStreamsPerConnection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreamsPerConnection, 1);
        var counts = loads.ToArray();
        var toExisting = counts.Select(_ => new List<StreamId>()).ToArray();
        var next = 0;
        for (; next < added.Count; next++)
        {
            var target = -1;
            for (var index = 0; index < counts.Length; index++)
            {
                if (counts[index] < maxStreamsPerConnection && (target < 0 || counts[index] < counts[target]))
                {
                    target = index;
                }
            }

            if (target < 0)
            {
                break;
            }

            toExisting[target].Add(added[next]);
            counts[target]++;
        }

        var rest = added.Skip(next).ToList();
        var toNew = Spread(rest, maxStreamsPerConnection).Connections.Select(connection => connection.Streams.ToList()).ToList();
        return (toExisting, toNew);
    }

    private static StreamPlan Spread(List<StreamId> streams, int maxStreamsPerConnection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreamsPerConnection, 1);
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
