using System.Globalization;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The last closed candle of a stream and the candles missed while its feed was lost: a candle is published as closed
/// only once its x:true came, the next candle's update came on a feed covered since, or the feed stayed covered from its
/// last update to <see cref="ClosedCandleTracker.FinalUpdateGrace"/> after its end; a loss before then makes it missed, and the
/// closed candle is unknown until the next one closes on a covered feed.
/// </summary>
public class ClosedCandleTests
{
    private const long Second = 1_000;
    private const long Minute = 60_000;
    private static readonly long Grace = (long)ClosedCandleTracker.FinalUpdateGrace.TotalMilliseconds;
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private static readonly KlineCalendar Calendar = KlineCalendar.Parse("1m");

    [Fact]
    public void A_candle_whose_feed_was_lost_before_it_ended_is_counted_missed_and_not_shown_until_the_next_closes()
    {
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 30 * Second, "0.05200000");
        coverage.MarkLost(T0 + 45 * Second);
        coverage.MarkCovered();

        slot.Read(T0 + Minute + 5 * Second, long.MaxValue, out var afterBoundary);
        Assert.False(afterBoundary.LastClosed.Known);
        Assert.Equal(1, afterBoundary.MissedCandles);
        Assert.True(afterBoundary.IsLive, "the forming candle is served all the same");

        Apply(slot, T0 + Minute, T0 + Minute + 10 * Second, "0.05300000");
        slot.Read(T0 + Minute + 15 * Second, long.MaxValue, out var nextForming);
        Assert.False(nextForming.LastClosed.Known);
        Assert.Equal(1, nextForming.MissedCandles);

        slot.Read(T0 + 2 * Minute + Grace, long.MaxValue, out var nextClosed);
        Assert.Equal((true, T0 + Minute, 0.053), (nextClosed.LastClosed.Known, nextClosed.LastClosed.OpenTime, nextClosed.LastClosed.Close));
        Assert.Equal(1, nextClosed.MissedCandles);
    }

    [Fact]
    public void A_candle_closed_by_time_is_published_only_after_the_grace_and_until_then_the_previous_closed_candle_stays()
    {
        var (_, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 59 * Second, "0.05100000", closed: true);
        Apply(slot, T0 + Minute, T0 + Minute + 30 * Second, "0.05200000");

        // Its final update may still come with trades made after its last push: the 10:00 candle stays the closed one.
        slot.Read(T0 + 2 * Minute, long.MaxValue, out var atClose);
        Assert.Equal((true, T0, 0.051), (atClose.LastClosed.Known, atClose.LastClosed.OpenTime, atClose.LastClosed.Close));
        slot.Read(T0 + 2 * Minute + Grace - 1, long.MaxValue, out var withinGrace);
        Assert.Equal((true, T0, 0.051), (withinGrace.LastClosed.Known, withinGrace.LastClosed.OpenTime, withinGrace.LastClosed.Close));
        Assert.True(withinGrace.RolledOver, "the forming candle rolls over at the close all the same");
        Assert.Equal(2, withinGrace.ClosedCandles);

        slot.Read(T0 + 2 * Minute + Grace, long.MaxValue, out var afterGrace);
        Assert.Equal((true, T0 + Minute, 0.052), (afterGrace.LastClosed.Known, afterGrace.LastClosed.OpenTime, afterGrace.LastClosed.Close));
        Assert.Equal(0, afterGrace.MissedCandles);
    }

    [Fact]
    public void A_final_update_within_the_grace_is_what_gets_published_and_at_once()
    {
        var (_, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 58 * Second, "0.05200000");
        slot.Read(T0 + Minute + Second, long.MaxValue, out var pending);
        Assert.False(pending.LastClosed.Known);

        Apply(slot, T0, T0 + Minute + 1_500, "0.05250000", closed: true);
        slot.Read(T0 + Minute + 1_600, long.MaxValue, out var final);
        Assert.Equal((true, T0, 0.0525), (final.LastClosed.Known, final.LastClosed.OpenTime, final.LastClosed.Close));
        Assert.Equal(1, final.ClosedCandles);
    }

    [Fact]
    public void The_next_candles_update_on_a_covered_feed_settles_the_candle_before_it_at_once()
    {
        var (_, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 58 * Second, "0.05200000");

        // Binance sends a candle's final update before the next candle's first: none is still to come.
        Apply(slot, T0 + Minute, T0 + Minute + 500, "0.05300000");
        slot.Read(T0 + Minute + 600, long.MaxValue, out var reading);
        Assert.Equal((true, T0, 0.052), (reading.LastClosed.Known, reading.LastClosed.OpenTime, reading.LastClosed.Close));
    }

    [Fact]
    public void A_loss_within_the_grace_makes_the_candle_missed_and_a_loss_after_it_leaves_the_candle_closed()
    {
        var (lostInGrace, inGrace) = CoveredSlot();
        Apply(inGrace, T0, T0 + 30 * Second, "0.05200000");
        lostInGrace.MarkLost(T0 + Minute + Grace - 1);

        inGrace.Read(T0 + Minute + Grace + Second, long.MaxValue, out var missed);
        Assert.False(missed.LastClosed.Known);
        Assert.Equal(1, missed.MissedCandles);
        Assert.Equal(1, missed.ClosedCandles);

        var (lostAfterGrace, afterGrace) = CoveredSlot();
        Apply(afterGrace, T0, T0 + 30 * Second, "0.05200000");
        lostAfterGrace.MarkLost(T0 + Minute + Grace);

        afterGrace.Read(T0 + Minute + Grace + Second, long.MaxValue, out var closed);
        Assert.Equal((true, T0, 0.052), (closed.LastClosed.Known, closed.LastClosed.OpenTime, closed.LastClosed.Close));
        Assert.Equal(0, closed.MissedCandles);
    }

    [Fact]
    public void While_the_feed_is_lost_the_forming_candle_stays_the_last_one_received()
    {
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 30 * Second, "0.05200000");
        coverage.MarkLost(T0 + 50 * Second);

        slot.Read(T0 + Minute + 10 * Second, long.MaxValue, out var duringLoss);
        Assert.False(duringLoss.RolledOver);
        Assert.Equal((T0, 0.052, 12.5, 3L), (duringLoss.OpenTime, duringLoss.Close, duringLoss.BaseVolume, duringLoss.Trades));
        Assert.Equal(1, duringLoss.ClosedCandles);

        // Covered again, but the exchange may have traded during the loss: still the last candle received until an update.
        coverage.MarkCovered();
        slot.Read(T0 + 2 * Minute + 10 * Second, long.MaxValue, out var resubscribed);
        Assert.False(resubscribed.RolledOver);
        Assert.Equal(T0, resubscribed.OpenTime);

        Apply(slot, T0 + 2 * Minute, T0 + 2 * Minute + 15 * Second, "0.05300000");
        slot.Read(T0 + 3 * Minute, long.MaxValue, out var rolled);
        Assert.True(rolled.RolledOver);
        Assert.Equal((T0 + 3 * Minute, 0.053, 0.0), (rolled.OpenTime, rolled.Close, rolled.BaseVolume));
    }

    [Fact]
    public void An_update_that_arrives_while_the_connection_still_subscribes_settles_nothing_by_time_until_it_covers()
    {
        var (coverage, slot) = CoveredSlot();
        coverage.MarkLost(T0);
        Apply(slot, T0, T0 + 30 * Second, "0.05200000");

        slot.Read(T0 + Minute + Grace, long.MaxValue, out var subscribing);
        Assert.False(subscribing.LastClosed.Known);
        Assert.False(subscribing.RolledOver);
        Assert.Equal(0, subscribing.MissedCandles);

        coverage.MarkCovered();
        slot.Read(T0 + Minute + Grace, long.MaxValue, out var covered);
        Assert.Equal((true, T0), (covered.LastClosed.Known, covered.LastClosed.OpenTime));
        Assert.True(covered.RolledOver);
    }

    [Fact]
    public void An_x_true_update_is_final_even_if_the_feed_is_lost_right_after_it()
    {
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + Minute - 50, "0.05200000", closed: true);
        coverage.MarkLost(T0 + Minute - 20);

        slot.Read(T0 + Minute + 5 * Second, long.MaxValue, out var closed);
        Assert.Equal((true, T0, 0.052), (closed.LastClosed.Known, closed.LastClosed.OpenTime, closed.LastClosed.Close));
        Assert.Equal(0, closed.MissedCandles);

        // The empty candle after it ended while the feed was lost: nobody knows whether it had trades.
        slot.Read(T0 + 2 * Minute + 5 * Second, long.MaxValue, out var later);
        Assert.False(later.LastClosed.Known);
        Assert.Equal(1, later.MissedCandles);
    }

    [Fact]
    public void A_quiet_stream_misses_only_the_candles_that_ended_after_its_feed_was_lost()
    {
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 10 * Second, "0.05200000");
        coverage.MarkLost(T0 + 3 * Minute + 20 * Second);

        slot.Read(T0 + 3 * Minute + 50 * Second, long.MaxValue, out var beforeLoss);
        Assert.Equal((true, T0 + 2 * Minute, 0.052, 0.0, 0L),
            (beforeLoss.LastClosed.Known, beforeLoss.LastClosed.OpenTime, beforeLoss.LastClosed.Open, beforeLoss.LastClosed.BaseVolume,
            beforeLoss.LastClosed.Trades));
        Assert.Equal(0, beforeLoss.MissedCandles);

        slot.Read(T0 + 5 * Minute + 10 * Second, long.MaxValue, out var duringLoss);
        Assert.False(duringLoss.LastClosed.Known);
        Assert.Equal(2, duringLoss.MissedCandles); // 10:03 (lost at 10:03:20) and 10:04

        // Resubscribed: the snapshot of the forming candle arrives; the count stays, and the next close is known again.
        coverage.MarkCovered();
        Apply(slot, T0 + 5 * Minute, T0 + 5 * Minute + 15 * Second, "0.05200000");
        slot.Read(T0 + 5 * Minute + 20 * Second, long.MaxValue, out var resubscribed);
        Assert.Equal(2, resubscribed.MissedCandles);
        slot.Read(T0 + 6 * Minute + Grace, long.MaxValue, out var next);
        Assert.Equal((true, T0 + 5 * Minute), (next.LastClosed.Known, next.LastClosed.OpenTime));
        Assert.Equal(2, next.MissedCandles);
    }

    [Fact]
    public void A_quiet_streams_empty_candles_are_known_only_once_the_grace_has_passed_on_a_covered_feed()
    {
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 10 * Second, "0.05200000");

        // 10:03:02: the 10:02 candle ended without an update, but one with its last trades could still come.
        slot.Read(T0 + 3 * Minute + 2 * Second, long.MaxValue, out var inGrace);
        Assert.Equal((true, T0 + Minute, 0.052, 0.0, 0L),
            (inGrace.LastClosed.Known, inGrace.LastClosed.OpenTime, inGrace.LastClosed.Close, inGrace.LastClosed.BaseVolume, inGrace.LastClosed.Trades));
        Assert.True(inGrace.RolledOver);
        Assert.Equal(T0 + 3 * Minute, inGrace.OpenTime);

        slot.Read(T0 + 3 * Minute + Grace, long.MaxValue, out var settled);
        Assert.Equal((true, T0 + 2 * Minute), (settled.LastClosed.Known, settled.LastClosed.OpenTime));

        // Lost within the next candle's grace: that empty candle is missed, the ones settled before stay settled.
        coverage.MarkLost(T0 + 4 * Minute + Second);
        slot.Read(T0 + 4 * Minute + 2 * Second, long.MaxValue, out var lost);
        Assert.False(lost.LastClosed.Known);
        Assert.Equal(1, lost.MissedCandles);
        Assert.Equal((false, T0), (lost.RolledOver, lost.OpenTime));
    }

    [Fact]
    public void A_candle_shown_closed_becomes_missed_once_a_loss_dated_before_its_end_is_recorded_later()
    {
        const long StaleAfter = 2 * Minute;
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 58 * Second, "0.05200000");

        // The connection falls silent after this update. Until its probe goes unanswered nothing says the feed is
        // dead, so the candle whose interval ends meanwhile is closed like any other.
        slot.Read(T0 + Minute + Grace + Second, StaleAfter, out var beforeProbeFailed);
        Assert.Equal((true, T0, 0.052), (beforeProbeFailed.LastClosed.Known, beforeProbeFailed.LastClosed.OpenTime, beforeProbeFailed.LastClosed.Close));
        Assert.Equal(0, beforeProbeFailed.MissedCandles);

        // The probe fails at 10:01:08 and the loss is recorded then, dated from the last message at 10:00:58: the
        // candle's final updates may have been sent after that and never arrived.
        coverage.MarkLost(T0 + 58 * Second);
        slot.Read(T0 + Minute + 8 * Second, StaleAfter, out var afterProbeFailed);
        Assert.False(afterProbeFailed.LastClosed.Known);
        Assert.Equal(1, afterProbeFailed.MissedCandles);
        Assert.True(afterProbeFailed.IsLive, "within StaleAfter of the loss the forming candle is still served; only the closed one is withdrawn");

        // Counted once: by later readings, by the replacement connection covering, by the next candle's update.
        slot.Read(T0 + Minute + 9 * Second, StaleAfter, out var again);
        Assert.Equal(1, again.MissedCandles);
        coverage.MarkCovered();
        Apply(slot, T0 + Minute, T0 + Minute + 15 * Second, "0.05300000");
        slot.Read(T0 + Minute + 20 * Second, StaleAfter, out var nextForming);
        Assert.False(nextForming.LastClosed.Known);
        Assert.Equal(1, nextForming.MissedCandles);

        slot.Read(T0 + 2 * Minute + Grace + Second, StaleAfter, out var nextClosed);
        Assert.Equal((true, T0 + Minute, 0.053), (nextClosed.LastClosed.Known, nextClosed.LastClosed.OpenTime, nextClosed.LastClosed.Close));
        Assert.Equal(1, nextClosed.MissedCandles);
    }

    [Fact]
    public void A_reported_miss_is_never_taken_back_by_a_late_closing_update()
    {
        var (coverage, slot) = CoveredSlot();
        Apply(slot, T0, T0 + 30 * Second, "0.05200000");
        coverage.MarkLost(T0 + 45 * Second);
        coverage.MarkCovered();
        slot.Read(T0 + Minute + Second, long.MaxValue, out var missed);
        Assert.Equal(1, missed.MissedCandles);

        Apply(slot, T0, T0 + Minute + 2 * Second, "0.05250000", closed: true);
        slot.Read(T0 + Minute + 3 * Second, long.MaxValue, out var late);
        Assert.Equal((true, T0, 0.0525), (late.LastClosed.Known, late.LastClosed.OpenTime, late.LastClosed.Close));
        Assert.Equal(1, late.MissedCandles);

        Apply(slot, T0 + Minute, T0 + Minute + 4 * Second, "0.05300000");
        slot.Read(T0 + Minute + 5 * Second, long.MaxValue, out var next);
        Assert.Equal(1, next.MissedCandles);
    }

    [Fact]
    public void Coverage_dates_the_first_loss_after_any_count_unless_it_was_lost_too_often_since()
    {
        var coverage = new FeedCoverage();
        coverage.MarkCovered();
        Assert.Null(coverage.FirstLossAfter(0));
        for (var loss = 1; loss <= 9; loss++)
        {
            coverage.MarkLost(loss * 1000);
            coverage.MarkLost(loss * 1000 + 500); // already lost: not another loss
            coverage.MarkCovered();
        }

        Assert.Equal(9, coverage.Losses);
        Assert.Null(coverage.FirstLossAfter(9));
        Assert.Equal(9000, coverage.FirstLossAfter(8));
        Assert.Equal(2000, coverage.FirstLossAfter(1));
        Assert.Equal(long.MinValue, coverage.FirstLossAfter(0));
    }

    private static (FeedCoverage Coverage, StreamSlot Slot) CoveredSlot()
    {
        var store = TestStores.StoreOf(new StreamId("ETHBTC", "1m"));
        store.Slots[0].Coverage.MarkCovered();
        return (store.Slots[0].Coverage, store.Slots[0]);
    }

    private static void Apply(StreamSlot slot, long openTime, long eventTime, string close, bool closed = false) =>
        TestStores.Apply(slot,
            SampleFrames.EthBtc(Calendar, openTime, eventTime, closed).Replace("\"c\":\"0.05200000\"", $"\"c\":\"{close}\"", StringComparison.Ordinal));
}
