using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The live stream set over a long run of listings and delistings: the placement rules hold after every change, not
/// only at startup. (Without a live connection a change applies at once; the live behaviour is in LiveListingTests.)
/// </summary>
public class StreamCatalogTests
{
    private const int Limit = 50;

    [Fact]
    public async Task Over_many_listing_rounds_no_stream_moves_no_connection_passes_the_limit_and_new_connections_open_only_when_all_are_full()
    {
        var random = new Random(20_261_129);
        var universe = Enumerable.Range(0, 1_000).Select(i => $"S{i:D4}USDT").ToArray();
        var listed = universe.Take(300).ToHashSet();
        var options = new BinanceOptions { Symbols = ["*USDT"], Intervals = ["1m", "1h"], MaxStreamsPerConnection = Limit };
        var plan = StreamPlanner.Plan([], options.Intervals, Limit);
        var store = new KlineStore();
        var catalog = new StreamCatalog(plan, store, Options.Create(options), new StreamCapacity(int.MaxValue, "unbounded for the test"));
        var carrier = new Dictionary<StreamId, int>();
        var peakStreams = 0;

        for (var round = 0; round < 200; round++)
        {
            // Mostly small churn, now and then a wave of listings or delistings.
            var churn = round % 25 == 0 ? 120 : random.Next(0, 12);
            for (var i = 0; i < churn; i++)
            {
                var symbol = universe[random.Next(universe.Length)];
                if (!listed.Add(symbol) && random.Next(2) == 0)
                {
                    listed.Remove(symbol);
                }
            }

            var before = catalog.Assignments.ToDictionary(assignment => assignment.Index, assignment => assignment.Count);
            var change = await catalog.ApplyAsync(listed, TestContext.Current.CancellationToken);
            var assignments = catalog.Assignments;
            var carried = assignments.SelectMany(assignment => assignment.Streams.Select(stream => (stream, assignment.Index))).ToList();
            peakStreams = Math.Max(peakStreams, carried.Count);

            // Exactly the listed symbols' streams, each on one connection, in the store too.
            Assert.Equal(listed.Count * options.Intervals.Count, carried.Count);
            Assert.Equal(carried.Count, carried.Select(entry => entry.stream).Distinct().Count());
            Assert.Equal(listed.Order(StringComparer.Ordinal), carried.Select(entry => entry.stream.Symbol).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(carried.Count, store.Count);

            // Within the limit, and no empty connection kept open.
            Assert.All(assignments, assignment => Assert.InRange(assignment.Count, 1, Limit));

            // A stream that stays keeps its connection: nothing flowing is moved, so nothing reconnects.
            foreach (var (stream, index) in carried)
            {
                if (carrier.TryGetValue(stream, out var previous))
                {
                    Assert.Equal(previous, index);
                }
            }

            carrier = carried.ToDictionary(entry => entry.stream, entry => entry.Index);

            // A new connection only when every connection that stayed was full: the fewest connections the additions allow.
            if (change.ConnectionsOpened > 0)
            {
                Assert.All(assignments.Where(assignment => before.ContainsKey(assignment.Index)), assignment => Assert.Equal(Limit, assignment.Count));
            }

            Assert.InRange(assignments.Count, (carried.Count + Limit - 1) / Limit, (peakStreams + Limit - 1) / Limit);
        }
    }
}
