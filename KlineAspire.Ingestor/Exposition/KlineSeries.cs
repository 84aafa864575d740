using KlineAspire.Ingestor.Configuration;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// The per-stream series a user can choose with <c>Binance:Series</c>, by the Prometheus names they see in
/// <c>/metrics</c>, and the groups of them. Each maps to the instrument that produces it, so a view can drop the
/// unselected instruments before OpenTelemetry allocates anything for them.
/// </summary>
public static class KlineSeries
{
    public const string All = BinanceOptions.AllSeries;

    // Prometheus name → instrument name.
    private static readonly Dictionary<string, string> InstrumentByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kline_open_price"] = "kline.open.price",
        ["kline_high_price"] = "kline.high.price",
        ["kline_low_price"] = "kline.low.price",
        ["kline_close_price"] = "kline.close.price",
        ["kline_base_volume"] = "kline.base.volume",
        ["kline_quote_volume"] = "kline.quote.volume",
        ["kline_taker_buy_base_volume"] = "kline.taker_buy_base.volume",
        ["kline_taker_buy_quote_volume"] = "kline.taker_buy_quote.volume",
        ["kline_trades"] = "kline.trades",
        ["kline_open_time_seconds"] = "kline.open_time",
        ["kline_closed_open_price"] = "kline.closed.open.price",
        ["kline_closed_high_price"] = "kline.closed.high.price",
        ["kline_closed_low_price"] = "kline.closed.low.price",
        ["kline_closed_close_price"] = "kline.closed.close.price",
        ["kline_closed_base_volume"] = "kline.closed.base.volume",
        ["kline_closed_quote_volume"] = "kline.closed.quote.volume",
        ["kline_closed_trades"] = "kline.closed.trades",
        ["kline_closed_open_time_seconds"] = "kline.closed.open_time",
        ["kline_feed_up"] = "kline.feed.up",
        ["kline_last_update_timestamp_seconds"] = "kline.last_update_timestamp",
        ["kline_candles_closed_total"] = "kline.candles_closed",
    };

    private static readonly Dictionary<string, string[]> GroupMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        [All] = [.. InstrumentByName.Keys],
        ["forming"] =
        [
            "kline_open_price", "kline_high_price", "kline_low_price", "kline_close_price", "kline_base_volume", "kline_quote_volume",
            "kline_taker_buy_base_volume", "kline_taker_buy_quote_volume", "kline_trades", "kline_open_time_seconds",
        ],
        ["closed"] =
        [
            "kline_closed_open_price", "kline_closed_high_price", "kline_closed_low_price", "kline_closed_close_price",
            "kline_closed_base_volume", "kline_closed_quote_volume", "kline_closed_trades", "kline_closed_open_time_seconds",
        ],
        ["prices"] =
        [
            "kline_open_price", "kline_high_price", "kline_low_price", "kline_close_price",
            "kline_closed_open_price", "kline_closed_high_price", "kline_closed_low_price", "kline_closed_close_price",
        ],
        ["volumes"] =
        [
            "kline_base_volume", "kline_quote_volume", "kline_taker_buy_base_volume", "kline_taker_buy_quote_volume",
            "kline_closed_base_volume", "kline_closed_quote_volume",
        ],
        ["feed"] = ["kline_feed_up", "kline_last_update_timestamp_seconds", "kline_candles_closed_total"],
    };

    /// <summary>The group names, for error messages and the README.</summary>
    public static IEnumerable<string> Groups => GroupMembers.Keys;

    /// <summary>Every per-stream series by Prometheus name.</summary>
    public static IEnumerable<string> Names => InstrumentByName.Keys;

    public static bool IsKnown(string entry) => GroupMembers.ContainsKey(entry) || InstrumentByName.ContainsKey(entry);

    /// <summary>Instrument names selected by <paramref name="entries"/> (groups and Prometheus names); unknown entries select nothing.</summary>
    public static IReadOnlySet<string> InstrumentsFor(IEnumerable<string> entries)
    {
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var name in GroupMembers.TryGetValue(entry, out var members) ? members : [entry])
            {
                if (InstrumentByName.TryGetValue(name, out var instrument))
                {
                    selected.Add(instrument);
                }
            }
        }

        return selected;
    }
}
