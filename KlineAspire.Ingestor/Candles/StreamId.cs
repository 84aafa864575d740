namespace KlineAspire.Ingestor.Candles;

/// <summary>One kline stream: a symbol (upper case, as Binance sends it) at one interval.</summary>
public sealed record StreamId(string Symbol, string Interval)
{
    /// <summary>The wire name, e.g. <c>btcusdt@kline_1m</c>: the symbol is lower case, the interval keeps its case.</summary>
    public string Name { get; } = $"{Symbol.ToLowerInvariant()}@kline_{Interval}";

    /// <summary>The store key: symbol and interval exactly as a payload carries them.</summary>
    public string Key { get; } = $"{Symbol}|{Interval}";

    public override string ToString() => Name;
}
