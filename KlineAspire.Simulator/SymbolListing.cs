namespace KlineAspire.Simulator;

/// <summary>
/// Body of <c>POST /api/symbols</c>: <c>{"symbol":"NEWUSDT","status":"TRADING"}</c>; status defaults to TRADING, base
/// and quote assets are split from the symbol unless given.
/// </summary>
public sealed record SymbolListing(string? Symbol, string? Status, string? BaseAsset, string? QuoteAsset);
