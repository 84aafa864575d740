using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

internal static class MetricsAssert
{
    /// <summary>
    /// Every market-data series of the stream shows exactly the candle's values, or, when the scrape came after the
    /// candle's interval ended (its open time has moved on), exactly the empty candle that follows it: every price at
    /// the candle's close, no volume, no trades. Either way every series comes from one update.
    /// </summary>
    public static void ShowsCandle(MetricsText metrics, KlineCandle candle)
    {
        var openTime = metrics.Kline("kline_open_time_seconds", candle.Symbol, candle.Interval);
        var rolledOver = openTime is { } seconds && seconds > candle.OpenTime / 1000.0;
        if (rolledOver)
        {
            // A rollover lands on a candle boundary of the calendar, at the earliest the next one, and only once that
            // candle has begun (the candle's close has passed) by the time the scrape was read: never early, never
            // between boundaries. Read within the next interval, as every caller reads, that is exactly the next candle.
            var calendar = KlineCalendar.Parse(candle.Interval);
            var shownOpen = (long)Math.Round(openTime!.Value * 1000);
            var nextOpen = calendar.NextOpenTime(candle.OpenTime);
            var readAt = metrics.ReadAt.ToUnixTimeMilliseconds();
            var stream = $"{candle.Symbol}/{candle.Interval}";
            Assert.True(calendar.OpenTimeAt(shownOpen) == shownOpen,
                $"{stream} rolled over to {shownOpen}, which is not a candle boundary (the candle opened at {candle.OpenTime})");
            Assert.True(nextOpen <= readAt,
                $"{stream} rolled over before its candle closed at {calendar.CloseTime(candle.OpenTime)}: the scrape was read at {readAt}");
            Assert.True(shownOpen >= nextOpen && shownOpen <= calendar.OpenTimeAt(readAt),
                $"{stream} rolled over to the candle opening at {shownOpen}; the candle after {candle.OpenTime} opens at {nextOpen} and the one forming when "
                    + $"the scrape was read at {calendar.OpenTimeAt(readAt)}");
        }

        void Equal(string metric, double expected) =>
            Assert.True(metrics.Kline(metric, candle.Symbol, candle.Interval) == expected,
                $"{metric}{{symbol={candle.Symbol},interval={candle.Interval}}} is "
                    + $"{metrics.Kline(metric, candle.Symbol, candle.Interval)?.ToString() ?? "absent"}, expected "
                    + $"{expected}{(rolledOver ? " (rolled over)" : "")}");

        var close = Candles.AsDouble(candle.Close);
        Equal("kline_open_price", rolledOver ? close : Candles.AsDouble(candle.Open));
        Equal("kline_high_price", rolledOver ? close : Candles.AsDouble(candle.High));
        Equal("kline_low_price", rolledOver ? close : Candles.AsDouble(candle.Low));
        Equal("kline_close_price", close);
        Equal("kline_base_volume", rolledOver ? 0 : Candles.AsDouble(candle.BaseVolume));
        Equal("kline_quote_volume", rolledOver ? 0 : Candles.AsDouble(candle.QuoteVolume));
        Equal("kline_taker_buy_base_volume", rolledOver ? 0 : Candles.AsDouble(candle.TakerBuyBaseVolume));
        Equal("kline_taker_buy_quote_volume", rolledOver ? 0 : Candles.AsDouble(candle.TakerBuyQuoteVolume));
        Equal("kline_trades", rolledOver ? 0 : candle.Trades);
        if (!rolledOver)
        {
            Equal("kline_open_time_seconds", candle.OpenTime / 1000.0);
        }

        Equal("kline_last_update_timestamp_seconds", candle.EventTime / 1000.0);
        Equal("kline_feed_up", 1);
    }

    /// <summary>The stream's closed-candle series show exactly this candle's final values, all from one update.</summary>
    public static void ShowsClosedCandle(MetricsText metrics, KlineCandle candle)
    {
        void Equal(string metric, double expected) =>
            Assert.True(metrics.Kline(metric, candle.Symbol, candle.Interval) == expected,
                $"{metric}{{symbol={candle.Symbol},interval={candle.Interval}}} is "
                    + $"{metrics.Kline(metric, candle.Symbol, candle.Interval)?.ToString() ?? "absent"}, expected {expected}");

        Equal("kline_closed_open_time_seconds", candle.OpenTime / 1000.0);
        Equal("kline_closed_open_price", Candles.AsDouble(candle.Open));
        Equal("kline_closed_high_price", Candles.AsDouble(candle.High));
        Equal("kline_closed_low_price", Candles.AsDouble(candle.Low));
        Equal("kline_closed_close_price", Candles.AsDouble(candle.Close));
        Equal("kline_closed_base_volume", Candles.AsDouble(candle.BaseVolume));
        Equal("kline_closed_quote_volume", Candles.AsDouble(candle.QuoteVolume));
        Equal("kline_closed_trades", candle.Trades);
    }

    /// <summary>None of the stream's closed-candle series is exported: no candle has closed, or the last one was missed.</summary>
    public static void HasNoClosedCandle(MetricsText metrics, string symbol, string interval) =>
        Assert.DoesNotContain(metrics.Samples, sample => sample.Name.StartsWith("kline_closed_", StringComparison.Ordinal)
            && sample.Labels.GetValueOrDefault("symbol") == symbol && sample.Labels.GetValueOrDefault("interval") == interval);

    public static bool HasClose(MetricsText metrics, KlineCandle candle) =>
        metrics.Kline("kline_close_price", candle.Symbol, candle.Interval) == Candles.AsDouble(candle.Close);
}
