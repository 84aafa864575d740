using System.Text.Json.Serialization;

namespace KlineAspire.Simulator;

/// <summary>One entry of <c>GET /api/v3/exchangeInfo</c>'s <c>symbols</c>, in Binance's field names.</summary>
public sealed record ExchangeSymbol(string Symbol, string Status, string BaseAsset, string QuoteAsset)
{
    public const string Trading = "TRADING";

    /// <summary>Binance's symbol statuses; only <see cref="Trading"/> symbols stream.</summary>
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal)
    {
        "PRE_TRADING", Trading, "POST_TRADING", "END_OF_DAY", "HALT", "AUCTION_MATCH", "BREAK",
    };

    /// <summary>The quote assets a symbol is split at when its listing does not name base and quote.</summary>
    public static readonly IReadOnlyList<string> QuoteAssets = ["FDUSD", "USDT", "USDC", "BTC", "ETH", "BNB", "TRY", "EUR"];

    [JsonIgnore]
    public bool IsTrading => Status == Trading;

    /// <summary>Binance's symbol pattern: upper-case letters, digits, '-', '_' and '.', up to 20 characters.</summary>
    public static bool IsWellFormed(string symbol) =>
        symbol.Length is > 0 and <= 20 && symbol.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    /// <summary>Reads <c>SYMBOL</c> (trading) or <c>SYMBOL:STATUS</c>, splitting base and quote at a known quote asset.</summary>
    public static bool TryParse(string text, out ExchangeSymbol? symbol, out string error)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        return TryCreate(parts[0].ToUpperInvariant(), parts.Length == 2 ? parts[1].ToUpperInvariant() : Trading, null, null, out symbol, out error);
    }

    /// <summary>Validates a listing; base and quote assets are derived from the symbol unless given.</summary>
    public static bool TryCreate(string symbol, string status, string? baseAsset, string? quoteAsset, out ExchangeSymbol? created, out string error)
    {
        created = null;
        error = string.Empty;
        if (!IsWellFormed(symbol))
        {
            error = $"'{symbol}' is not a Binance symbol (A-Z, 0-9, '-', '_', '.', at most 20 characters).";
            return false;
        }

        if (!Statuses.Contains(status))
        {
            error = $"'{status}' is not a Binance symbol status ({string.Join(", ", Statuses)}).";
            return false;
        }

        if (baseAsset is null || quoteAsset is null)
        {
            var quote = QuoteAssets.FirstOrDefault(q => symbol.Length > q.Length && symbol.EndsWith(q, StringComparison.Ordinal));
            if (quote is null)
            {
                error = $"'{symbol}' does not end in a known quote asset ({string.Join(", ", QuoteAssets)}); give baseAsset and quoteAsset.";
                return false;
            }

            baseAsset ??= symbol[..^quote.Length];
            quoteAsset ??= quote;
        }

        created = new ExchangeSymbol(symbol, status, baseAsset, quoteAsset);
        return true;
    }
}
