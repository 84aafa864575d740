namespace KlineAspire.Ingestor.Configuration;

/// <summary>The kline intervals Binance serves. Case matters: <c>1m</c> is a minute, <c>1M</c> a month.</summary>
public static class KlineIntervals
{
    public static readonly IReadOnlyList<string> All =
        ["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsValid(string interval) => Known.Contains(interval);
}
