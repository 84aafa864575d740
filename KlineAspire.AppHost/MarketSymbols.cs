namespace KlineAspire.AppHost;

/// <summary>Reads the market's symbol list as the ingestor does: comma-separated entries, where one with <c>*</c> is a pattern.</summary>
internal static class MarketSymbols
{
    /// <summary>The entries that name one symbol rather than a pattern, in upper case as Binance lists them.</summary>
    public static IReadOnlyList<string> Literals(string symbols) =>
        [.. symbols.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(entry => !entry.Contains('*', StringComparison.Ordinal))
            .Select(entry => entry.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)];
}
