using System.Globalization;
using System.Text.Json;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Binance's REST kline row (<c>GET /api/v3/klines</c>) against the gauges that must hold the same candle.</summary>
public static class KlineRowColumns
{
    /// <summary>Each closed-candle gauge and the column of the row holding the same value.</summary>
    public static readonly (string Metric, Func<JsonElement, double> Column)[] ClosedValues =
    [
        ("kline_closed_open_time_seconds", row => row[0].GetInt64() / 1000.0),
        ("kline_closed_open_price", row => Number(row[1])),
        ("kline_closed_high_price", row => Number(row[2])),
        ("kline_closed_low_price", row => Number(row[3])),
        ("kline_closed_close_price", row => Number(row[4])),
        ("kline_closed_base_volume", row => Number(row[5])),
        ("kline_closed_quote_volume", row => Number(row[7])),
        ("kline_closed_trades", row => row[8].GetInt64()),
    ];

    /// <summary>A price or volume column: a decimal string, as the WebSocket sends it.</summary>
    public static double Number(JsonElement text) => double.Parse(text.GetString()!, CultureInfo.InvariantCulture);
}
