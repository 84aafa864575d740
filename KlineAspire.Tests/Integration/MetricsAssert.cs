using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

internal static class MetricsAssert
{
    /// <summary>Every market-data series of the stream shows exactly the candle's values.</summary>
    public static void ShowsCandle(MetricsText metrics, KlineCandle candle)
    {
        void Equal(string metric, double expected) =>
            Assert.True(metrics.Kline(metric, candle.Symbol, candle.Interval) == expected,
                $"{metric}{{symbol={candle.Symbol},interval={candle.Interval}}} is {metrics.Kline(metric, candle.Symbol, candle.Interval)?.ToString() ?? "absent"}, expected {expected}");

        Equal("kline_open_price", Candles.AsDouble(candle.Open));
        Equal("kline_high_price", Candles.AsDouble(candle.High));
        Equal("kline_low_price", Candles.AsDouble(candle.Low));
        Equal("kline_close_price", Candles.AsDouble(candle.Close));
        Equal("kline_base_volume", Candles.AsDouble(candle.BaseVolume));
        Equal("kline_quote_volume", Candles.AsDouble(candle.QuoteVolume));
        Equal("kline_taker_buy_base_volume", Candles.AsDouble(candle.TakerBuyBaseVolume));
        Equal("kline_taker_buy_quote_volume", Candles.AsDouble(candle.TakerBuyQuoteVolume));
        Equal("kline_trades", candle.Trades);
        Equal("kline_open_time_seconds", candle.OpenTime / 1000.0);
        Equal("kline_last_update_timestamp_seconds", candle.EventTime / 1000.0);
    }

    public static bool HasClose(MetricsText metrics, KlineCandle candle) =>
        metrics.Kline("kline_close_price", candle.Symbol, candle.Interval) == Candles.AsDouble(candle.Close);
}
