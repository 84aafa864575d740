using System.Globalization;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The newest candle of a stream's REST history seeds its closed candle only where the store knows none: it directly
/// precedes the candle the feed stored (or the first one to arrive), and a candle the feed closes always wins.
/// </summary>
public class SeededClosedCandleTests
{
    private const long Second = 1_000;
    private const long Minute = 60_000;
    private static readonly long Grace = (long)ClosedCandleTracker.FinalUpdateGrace.TotalMilliseconds;
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private static readonly KlineCalendar Calendar = KlineCalendar.Parse("1m");

    private static ClosedCandle Rest(long openTime, double close) => ClosedCandle.Of(openTime, 0.051, 0.0531, 0.0505, close, 12.5, 0.65, 42);

    [Fact]
    public void A_seed_before_any_update_is_shown_once_the_next_candle_streams()
    {
        var slot = CoveredSlot();

        Assert.True(slot.SeedClosed(Rest(T0 - Minute, 0.0515)));
        Apply(slot, T0, T0 + 10 * Second, "0.05200000");
        slot.Read(T0 + 20 * Second, long.MaxValue, out var reading);

        Assert.Equal(Rest(T0 - Minute, 0.0515), reading.LastClosed);
        Assert.True(reading.IsLive);
    }

    [Fact]
    public void A_seed_that_does_not_precede_the_first_update_leaves_the_gap()
    {
        var slot = CoveredSlot();

        Assert.True(slot.SeedClosed(Rest(T0 - 2 * Minute, 0.0515)));
        Apply(slot, T0, T0 + 10 * Second, "0.05200000");
        slot.Read(T0 + 20 * Second, long.MaxValue, out var reading);

        Assert.False(reading.LastClosed.Known);
        Assert.False(slot.SeedClosed(Rest(T0 - 2 * Minute, 0.0515)), "older than the candle before the stored one");
    }

    [Fact]
    public void The_feeds_own_closed_candle_wins_over_a_seed_and_a_later_close_replaces_it()
    {
        var slot = CoveredSlot();
        Apply(slot, T0 - Minute, T0 - 5 * Second, "0.05100000");
        Apply(slot, T0, T0 + 10 * Second, "0.05200000");

        Assert.False(slot.SeedClosed(Rest(T0 - Minute, 0.0999)), "the feed closed that candle itself");
        slot.Read(T0 + 20 * Second, long.MaxValue, out var own);
        Assert.Equal((T0 - Minute, 0.051), (own.LastClosed.OpenTime, own.LastClosed.Close));

        var seeded = CoveredSlot();
        Apply(seeded, T0, T0 + 10 * Second, "0.05200000");
        Assert.True(seeded.SeedClosed(Rest(T0 - Minute, 0.0515)));
        Assert.False(seeded.SeedClosed(Rest(T0 - Minute, 0.0999)), "one seed: a known closed candle is never overwritten");
        seeded.Read(T0 + Minute + Grace, long.MaxValue, out var later);
        Assert.Equal((T0, 0.052), (later.LastClosed.OpenTime, later.LastClosed.Close));
        Assert.Equal(0, later.MissedCandles);
    }

    [Fact]
    public void A_final_update_stored_makes_a_seed_unneeded()
    {
        var slot = CoveredSlot();
        Apply(slot, T0, T0 + Minute + Second, "0.05200000", closed: true);

        Assert.False(slot.SeedClosed(Rest(T0 - Minute, 0.0515)));
        slot.Read(T0 + Minute + 2 * Second, long.MaxValue, out var reading);
        Assert.Equal((T0, 0.052), (reading.LastClosed.OpenTime, reading.LastClosed.Close));
    }

    private static StreamSlot CoveredSlot()
    {
        var store = TestStores.StoreOf(new StreamId("ETHBTC", "1m"));
        store.Slots[0].Coverage.MarkCovered();
        return store.Slots[0];
    }

    private static void Apply(StreamSlot slot, long openTime, long eventTime, string close, bool closed = false) =>
        TestStores.Apply(slot, SampleFrames.EthBtc(Calendar, openTime, eventTime, closed).Replace("\"c\":\"0.05200000\"", $"\"c\":\"{close}\"", StringComparison.Ordinal));
}
