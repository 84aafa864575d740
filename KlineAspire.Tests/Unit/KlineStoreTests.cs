using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Subscriptions;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

public class KlineStoreTests
{
    private const long StaleAfterMs = 120_000;

    // 2022-03-14T01:12:00Z, the XRPUSDT sample's candle.
    private const long XrpOpenTime = 1647220320000;

    [Fact]
    public void Lookup_matches_symbol_case_sensitive_interval_and_time_zone()
    {
        var store = TestStores.StoreOf(new StreamId("BNBUSDT", "1m"), new StreamId("BNBUSDT", "1M"), new StreamId("BNBUSDT", "1d@+08:00"),
            new StreamId("BNBUSDT", "1d"));
        Assert.True(store.TryGetSlot("BNBUSDT"u8, "1m"u8, false, out var minute));
        Assert.True(store.TryGetSlot("BNBUSDT"u8, "1M"u8, false, out var month));
        Assert.NotSame(minute, month);
        Assert.Equal("1M", month.Id.Interval);
        Assert.True(store.TryGetSlot("bnbusdt"u8, "1m"u8, false, out var folded));
        Assert.Same(minute, folded);
        Assert.True(store.TryGetSlot("BNBUSDT"u8, "1d"u8, true, out var utc8));
        Assert.Equal("1d@+08:00", utc8.Id.Interval);
        Assert.True(store.TryGetSlot("BNBUSDT"u8, "1d"u8, false, out var utc));
        Assert.NotSame(utc, utc8);
        Assert.False(store.TryGetSlot("ETHUSDT"u8, "1m"u8, false, out _));
        Assert.False(store.TryGetSlot("BNBUSDT"u8, "5m"u8, false, out _));
        Assert.False(store.TryGetSlot(Encoding.UTF8.GetBytes(new string('A', 200)), "1m"u8, false, out _));
    }

    [Fact]
    public void Streams_added_and_removed_at_run_time_are_found_and_forgotten_while_the_others_keep_their_slot()
    {
        var store = TestStores.StoreOf(new StreamId("BTCUSDT", "1m"), new StreamId("ETHUSDT", "1m"));
        Assert.True(store.TryGetSlot("BTCUSDT"u8, "1m"u8, false, out var btc));
        var coverage = new FeedCoverage();

        store.Add([([new StreamId("NEWUSDT", "1m"), new StreamId("BTCUSDT", "1m")], coverage)]);
        store.Remove([new StreamId("ETHUSDT", "1m")]);

        Assert.Equal(["BTCUSDT", "NEWUSDT"], store.Slots.Select(slot => slot.Id.Symbol));
        Assert.Equal(2, store.Count);
        Assert.True(store.TryGetSlot("NEWUSDT"u8, "1m"u8, false, out var added));
        Assert.Same(coverage, added.Coverage);
        Assert.True(store.TryGetSlot("BTCUSDT"u8, "1m"u8, false, out var kept));
        Assert.Same(btc, kept);
        Assert.False(store.TryGetSlot("ETHUSDT"u8, "1m"u8, false, out _));
    }

    [Fact]
    public void The_streams_of_several_connections_join_as_one_change_each_with_its_connections_coverage()
    {
        var store = TestStores.StoreOf(new StreamId("BTCUSDT", "1m"));
        var before = store.Slots;
        FeedCoverage first = new(), second = new();

        store.Add([
            ([new StreamId("AAAUSDT", "1m"), new StreamId("BTCUSDT", "1m")], first),
            ([new StreamId("BBBUSDT", "1m"), new StreamId("AAAUSDT", "1m")], second),
        ]);
        var joined = store.Slots;
        store.Add([([new StreamId("BTCUSDT", "1m")], second)]);

        // A new stream set for the change; a change that adds nothing makes none.
        Assert.NotSame(before, joined);
        Assert.Same(joined, store.Slots);
        Assert.Equal(["BTCUSDT", "AAAUSDT", "BBBUSDT"], store.Slots.Select(slot => slot.Id.Symbol));
        Assert.True(store.TryGetSlot("AAAUSDT"u8, "1m"u8, false, out var aaa));
        Assert.Same(first, aaa.Coverage);
        Assert.True(store.TryGetSlot("BBBUSDT"u8, "1m"u8, false, out var bbb));
        Assert.Same(second, bbb.Coverage);
    }

    [Fact]
    public void Older_updates_never_roll_a_stream_back_and_closes_count_once()
    {
        var slot = Covered(TestStores.StoreOf(new StreamId("XRPUSDT", "1m"))).Slots[0];
        Assert.True(TestStores.Apply(slot, SampleFrames.XrpUsdt));
        Assert.False(TestStores.Apply(slot, SampleFrames.XrpUsdt), "the same close, delivered by an overlapping connection, is not stored again");
        Assert.False(TestStores.Apply(slot, SampleFrames.XrpUsdt.Replace("1647220380568", "1647220380000").Replace("0.75920000\",\"h", "0.10000000\",\"h")));

        slot.Read(XrpOpenTime + 59_999, StaleAfterMs, out var reading);
        Assert.Equal(0.7592, reading.Close);
        Assert.Equal(1647220380568, reading.EventTime);
        Assert.Equal(1, reading.ClosedCandles);

        var nextCandle = SampleFrames.XrpUsdt.Replace("1647220320000", "1647220380000").Replace("1647220380568", "1647220440001");
        Assert.True(TestStores.Apply(slot, nextCandle));
        slot.Read(XrpOpenTime + 60_000, StaleAfterMs, out reading);
        Assert.Equal(2, reading.ClosedCandles);
        Assert.Equal(1647220440001, reading.EventTime);
    }

    [Fact]
    public void A_quiet_stream_keeps_its_price_while_its_feed_is_covered_and_loses_it_only_after_the_feed_is_lost_for_StaleAfter()
    {
        var store = TestStores.StoreOf(new StreamId("XRPUSDT", "1M"));
        var slot = store.Slots[0];
        TestStores.Apply(slot, SampleFrames.XrpUsdt.Replace("\"i\":\"1m\"", "\"i\":\"1M\""));

        slot.Read(XrpOpenTime, StaleAfterMs, out var reading);
        Assert.True(reading.HasData);
        Assert.False(reading.FeedUp);
        Assert.False(reading.IsLive); // never subscribed: nothing proves the price current

        store.Slots[0].Coverage.MarkCovered();
        slot.Read(XrpOpenTime + 10 * 86_400_000L, StaleAfterMs, out reading); // ten silent days later
        Assert.True(reading.IsLive);
        Assert.Equal(0.7592, reading.Close);

        var lostAt = XrpOpenTime + 11 * 86_400_000L;
        store.Slots[0].Coverage.MarkLost(lostAt);
        slot.Read(lostAt + StaleAfterMs, StaleAfterMs, out reading);
        Assert.True(reading.IsLive, "a reconnect shorter than StaleAfter keeps the price");
        slot.Read(lostAt + StaleAfterMs + 1, StaleAfterMs, out reading);
        Assert.False(reading.IsLive);
        Assert.False(reading.FeedUp);
        Assert.True(reading.HasData);
        Assert.Equal(1647220380568, reading.EventTime);
        Assert.Equal(1, store.Slots[0].Coverage.Losses);
        Assert.Equal(new StoreCensus(Streams: 1, WithData: 1, FeedUp: 0, Live: 0), store.Census(lostAt + StaleAfterMs + 1, StaleAfterMs));
    }

    [Fact]
    public void After_its_interval_ends_without_a_newer_update_the_forming_candle_is_empty_at_the_last_close()
    {
        var slot = Covered(TestStores.StoreOf(new StreamId("BNBUSDT", "1m"))).Slots[0];
        TestStores.Apply(slot, SampleFrames.BnbUsdt); // open 1647220200000, not closed, close 364.3, 216 trades

        slot.Read(1647220259999, StaleAfterMs, out var forming);
        Assert.False(forming.RolledOver);
        Assert.Equal((364.6, 364.6, 364.2, 364.3, 458.544, 216L), (forming.Open, forming.High, forming.Low, forming.Close, forming.BaseVolume, forming.Trades));
        Assert.Equal(0, forming.ClosedCandles);

        // Two and a half minutes later, still no update: the candle closed, so did an empty one, and a third is forming.
        slot.Read(1647220200000 + 150_000, StaleAfterMs, out var empty);
        Assert.True(empty.RolledOver);
        Assert.Equal(1647220320000, empty.OpenTime);
        Assert.Equal((364.3, 364.3, 364.3, 364.3), (empty.Open, empty.High, empty.Low, empty.Close));
        Assert.Equal((0.0, 0.0, 0.0, 0.0, 0L), (empty.BaseVolume, empty.QuoteVolume, empty.TakerBuyBaseVolume, empty.TakerBuyQuoteVolume, empty.Trades));
        Assert.Equal(2, empty.ClosedCandles);
        Assert.Equal(1647220248756, empty.EventTime);

        // The next real update opens that third candle: the count stays where the reading had it, and goes on from there.
        TestStores.Apply(slot,
            SampleFrames.BnbUsdt.Replace("1647220200000", "1647220320000").Replace("1647220248756", "1647220330000").Replace("\"x\":false", "\"x\":true"));
        slot.Read(1647220330000, StaleAfterMs, out var next);
        Assert.False(next.RolledOver);
        Assert.Equal(3, next.ClosedCandles);
    }

    private static KlineStore Covered(KlineStore store)
    {
        store.Slots[0].Coverage.MarkCovered();
        return store;
    }
}
