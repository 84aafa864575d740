namespace KlineAspire.AppHost;

/// <summary>A link from the Aspire dashboard's Prometheus resource to a graph of one expression.</summary>
internal sealed record PrometheusGraphLink(string DisplayText, string Expression)
{
    private const string Range = "15m";

    /// <summary>
    /// The candle return comes first: as a ratio it puts every symbol on one readable axis, where raw prices
    /// (BTCUSDT near 90,000, XRPUSDT near 0.5) draw one line and a floor. The raw price stays one click away.
    /// </summary>
    public static readonly IReadOnlyList<PrometheusGraphLink> All =
    [
        new("Graph: candle return (close/open - 1), all symbols", "symbol_interval:kline_candle_return:ratio"),
        new("Graph: kline_close_price", "kline_close_price"),
    ];

    /// <summary>Prometheus' graph page with the expression in its first panel, as a graph, over the last <see cref="Range"/>.</summary>
    public string PathAndQuery => $"/graph?g0.expr={Uri.EscapeDataString(Expression)}&g0.tab=0&g0.range_input={Range}";
}
