using System.Globalization;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.History;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// What one <c>GET /history</c> serves: the first import reaches up to the request with the closed candle the live gauges
/// show; a later one serves only streams whose history arrived since, and only samples from before the first import,
/// so that no import writes where Prometheus may hold a live sample, nor a block that its next restart would take as the
/// end of what its write-ahead log may hold.
/// </summary>
public class HistoryQueryTests
{
    private const long Second = 1_000;
    private const long Minute = 60_000;
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private static readonly KlineCalendar Calendar = KlineCalendar.Parse("1m");
    private static readonly StreamId EthBtc = new("ETHBTC", "1m");

    private static ClosedCandle Rest(long openTime) => ClosedCandle.Of(openTime, 0.051, 0.0531, 0.0505, 0.0515, 12.5, 0.65, 42);

    /// <summary>Two REST candles, the newest ending at T0 - 1 min, read at T0 - 50 s.</summary>
    private static StreamHistory Fetched(StreamId stream) =>
        StreamHistory.Pending(stream).Done([Rest(T0 - 3 * Minute), Rest(T0 - 2 * Minute)], T0 - 50 * Second);

    [Fact]
    public void The_first_import_continues_the_history_with_the_candle_the_live_gauges_show_up_to_the_request()
    {
        var store = TestStores.StoreOf(EthBtc);
        var slot = store.Slots[0];
        slot.Coverage.MarkCovered();
        // The candle after the history's newest closes live (its x:true), after the history's cut-off.
        TestStores.Apply(slot, SampleFrames.EthBtc(Calendar, T0 - Minute, T0 + Second, closed: true));
        var now = T0 + 20 * Second;

        var served = Assert.Single(new HistoryQuery(null, null).Select([Fetched(EthBtc)], store, now, long.MaxValue));

        Assert.Equal([T0 - 3 * Minute, T0 - 2 * Minute, T0 - Minute], served.Candles.Select(c => c.OpenTime));
        Assert.Equal(0.052, served.Candles[^1].Close);
        Assert.Equal(now, served.LastSampleUnixMs);
        var samples = ClosedClosePrices(served);
        // The history's newest candle up to the live one's end, then the live one from a second after it, up to the request.
        Assert.Equal(0.0515, samples.Last(s => s.At <= T0).Value);
        Assert.Equal((T0 + Second, 0.052), samples.First(s => s.At > T0));
        Assert.Equal(now, samples.Max(s => s.At));
    }

    [Fact]
    public void The_history_ends_at_its_cut_off_where_the_live_gauges_show_no_closed_candle()
    {
        var store = TestStores.StoreOf(EthBtc);
        var history = Fetched(EthBtc);

        var served = Assert.Single(new HistoryQuery(null, null).Select([history], store, T0 + 20 * Second, long.MaxValue));

        Assert.Equal(history.Candles, served.Candles);
        Assert.Equal(history.CutoffUnixMs, served.LastSampleUnixMs);
        Assert.True(ClosedClosePrices(served).Max(s => s.At) <= history.CutoffUnixMs);
    }

    [Fact]
    public void The_same_candle_on_the_live_gauges_carries_the_history_up_to_the_request()
    {
        var store = TestStores.StoreOf(EthBtc);
        var slot = store.Slots[0];
        slot.Coverage.MarkCovered();
        TestStores.Apply(slot, SampleFrames.EthBtc(Calendar, T0 - Minute, T0 - 30 * Second));
        Assert.True(slot.SeedClosed(Rest(T0 - 2 * Minute)));

        var served = Assert.Single(new HistoryQuery(null, null).Select([Fetched(EthBtc)], store, T0 - 10 * Second, long.MaxValue));

        Assert.Equal(2, served.Candles.Count);
        Assert.Equal(T0 - 10 * Second, served.LastSampleUnixMs);
    }

    [Fact]
    public void A_later_import_serves_the_streams_whose_history_arrived_since_and_only_samples_from_before_the_first_import()
    {
        var store = TestStores.StoreOf(EthBtc);
        var firstImport = T0 - 55 * Second;
        // Changes 1 to 3 were in the first import's answer.
        var imported = Fetched(new StreamId("BTCUSDT", "1m")) with { Change = 3 };
        var late = Fetched(new StreamId("ETHUSDT", "1m")) with { Change = 4 };
        // A listing the ingestor took on after the first import, with candles from after it.
        var listing = StreamHistory.Pending(new StreamId("NEWUSDT", "1m")).Done([Rest(T0 - 2 * Minute), Rest(T0 - Minute)], T0 + 10 * Second) with { Change = 5 };
        var pending = StreamHistory.Pending(new StreamId("XRPUSDT", "1m"));
        var failed = StreamHistory.Pending(new StreamId("SOLUSDT", "1m")).GivenUp(HistoryState.Failed) with { Change = 6 };

        var served = new HistoryQuery(3, firstImport).Select([imported, late, listing, pending, failed], store, T0 + 20 * Second, long.MaxValue);

        Assert.Equal(["ETHUSDT", "NEWUSDT"], served.Select(s => s.Stream.Symbol));
        // The listing too stops at the first import: a block reaching past it would make a restarted Prometheus drop the
        // live samples of its write-ahead log from before the block's end.
        Assert.Equal([firstImport - 1, firstImport - 1], served.Select(s => s.LastSampleUnixMs));
        Assert.All(served, s => Assert.True(AllSamples(s).Max() < firstImport, $"{s.Stream.Name} has a sample at or after the first import"));
        Assert.Contains(AllSamples(served[1]), at => at < firstImport);

        // Without until, a later import gets no sample at all: any might lie where Prometheus holds live ones.
        var unbounded = new HistoryQuery(3, null).Select([late, listing], store, T0 + 20 * Second, long.MaxValue);
        Assert.All(unbounded, s => Assert.Empty(AllSamples(s)));
    }

    private static List<(long At, double Value)> ClosedClosePrices(ServedHistory served) =>
        [.. Exposition(served).Where(sample => sample.Name == "kline_closed_close_price").Select(sample => (sample.UnixMs, sample.Value))];

    private static IEnumerable<long> AllSamples(ServedHistory served) => Exposition(served).Select(sample => sample.UnixMs);

    private static List<HistorySample> Exposition(ServedHistory served)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        OpenMetricsHistory.WriteAsync(writer, [served], [BinanceOptions.AllSeries], 0, new Dictionary<string, string>(), TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return HistorySamples.Parse(writer.ToString());
    }
}
