using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Subscriptions;

namespace KlineAspire.Tests.Unit;

public class StreamPlannerTests
{
    [Fact]
    public void Names_are_lower_case_symbols_with_intervals_kept_as_given()
    {
        var plan = StreamPlanner.Plan(["btcusdt", "BTCUSDT", "EthUsdt"], ["1m", "1M"], 1024);
        Assert.Equal(["btcusdt@kline_1m", "btcusdt@kline_1M", "ethusdt@kline_1m", "ethusdt@kline_1M"], plan.Streams.Select(s => s.Name));
        Assert.Equal(["BTCUSDT", "BTCUSDT", "ETHUSDT", "ETHUSDT"], plan.Streams.Select(s => s.Symbol));
        Assert.Single(plan.Connections);
    }

    [Theory]
    [InlineData(3000, 1, 3, 1000)]
    [InlineData(1024, 1, 1, 1024)]
    [InlineData(1025, 1, 2, 513)]
    [InlineData(3000, 16, 47, 1022)]
    public void Streams_are_spread_evenly_within_the_per_connection_limit(int symbols, int intervals, int connections, int largest)
    {
        var plan = StreamPlanner.Plan(
            Enumerable.Range(0, symbols).Select(i => $"SYM{i}"),
            KlineCalendar.Intervals.Take(intervals),
            1024);

        Assert.Equal(symbols * intervals, plan.Streams.Count);
        Assert.Equal(connections, plan.Connections.Count);
        Assert.Equal(largest, plan.Connections.Max(c => c.Streams.Count));
        Assert.All(plan.Connections, c => Assert.InRange(c.Streams.Count, 1, 1024));
        Assert.Equal(plan.Streams, plan.Connections.SelectMany(c => c.Streams));
    }

    [Fact]
    public void New_streams_level_the_least_loaded_connections_without_passing_the_limit()
    {
        var added = Streams(10);

        var (toExisting, toNew) = StreamPlanner.Place([8, 5, 10], added, 10);

        Assert.Equal([2, 5, 0], toExisting.Select(list => list.Count));
        Assert.Equal(3, toNew.Single().Count);
        Assert.Equal(added, toExisting.SelectMany(list => list).Concat(toNew.SelectMany(list => list)).OrderBy(s => s.Symbol));
    }

    [Fact]
    public void Streams_that_fit_nowhere_are_spread_evenly_over_as_few_new_connections_as_possible()
    {
        var (toExisting, toNew) = StreamPlanner.Place([1024], Streams(2050), 1024);

        Assert.Empty(toExisting.Single());
        Assert.Equal([684, 683, 683], toNew.Select(list => list.Count));
    }

    private static List<StreamId> Streams(int count) =>
        Enumerable.Range(0, count).Select(i => new StreamId($"S{i:D4}USDT", "1m")).ToList();
}
