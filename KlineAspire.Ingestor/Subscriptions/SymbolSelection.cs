namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>What the configured symbols select from one exchangeInfo listing.</summary>
/// <param name="Symbols">Every selected symbol, sorted: the literals, and the TRADING symbols a pattern matches.</param>
/// <param name="UnknownLiterals">Literal entries exchangeInfo does not list at all: Binance would acknowledge them and send nothing.</param>
/// <param name="EmptyPatterns">Patterns that match no TRADING symbol.</param>
/// <param name="NotTradingLiterals">Literal entries that are listed, but not TRADING right now.</param>
public sealed record SymbolSelection(
    IReadOnlyList<string> Symbols,
    IReadOnlyList<SymbolPattern> UnknownLiterals,
    IReadOnlyList<SymbolPattern> EmptyPatterns,
    IReadOnlyList<SymbolPattern> NotTradingLiterals);
