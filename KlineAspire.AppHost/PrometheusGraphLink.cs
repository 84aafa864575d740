namespace KlineAspire.AppHost;

/// <summary>A link from the Aspire dashboard's Prometheus resource to a graph of one expression.</summary>
internal sealed record PrometheusGraphLink(string DisplayText, string Expression)
{
    /// <summary>
    /// An hour: on a first start Prometheus already holds the history imported from Binance REST (1,000 1m candles), so
    /// the graph opens with most of an hour of market left of the start and the live minutes at its right edge, and an
    /// hour of 1m returns (one point a minute before the start) is still readable.
    /// </summary>
    private const string Range = "1h";

    /// <summary>
    /// The candle return comes first: as a ratio it puts every symbol on one readable axis, where raw prices
    /// (BTCUSDT near 90,000, XRPUSDT near 0.5) draw one line and a floor. The raw price stays one click away.
    /// The return is computed inline from the forming-candle gauges, not read from the recording rule
    /// <c>symbol_interval:kline_candle_return:ratio</c>: the gauges are backfilled with the history, a rule's series only
    /// begins at its first evaluation, so the rule's graph would be empty left of the start. For one ingestor (one
    /// series a stream) it is the rule's number; with replicas it is the largest of their returns, each a real
    /// candle's, where the rule would subtract one replica's open from another's close.
    /// </summary>
    public static readonly IReadOnlyList<PrometheusGraphLink> All =
    [
        new("Graph: candle return (close/open - 1), all symbols",
            "max by (symbol, interval) ((kline_close_price - kline_open_price) / (kline_open_price > 0))"),
        new("Graph: kline_close_price", "kline_close_price"),
    ];

    /// <summary>Prometheus' graph page with the expression in its first panel, as a graph, over the last <see cref="Range"/>.</summary>
    public string PathAndQuery => $"/graph?g0.expr={Uri.EscapeDataString(Expression)}&g0.tab=0&g0.range_input={Range}";
}
