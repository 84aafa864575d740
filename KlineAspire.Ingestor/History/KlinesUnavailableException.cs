namespace KlineAspire.Ingestor.History;

/// <summary>A klines request failed: its HTTP status and Binance error code when the exchange answered, and why.</summary>
public sealed class KlinesUnavailableException(int? statusCode, int? errorCode, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public int? StatusCode { get; } = statusCode;

    public int? ErrorCode { get; } = errorCode;

    /// <summary>The exchange does not know the symbol (HTTP 400, -1121): asking again will not help.</summary>
    public bool UnknownSymbol => StatusCode == 400 && ErrorCode == KlinesClient.InvalidSymbolCode;

    /// <summary>Over the weight limit (429) or banned (418): the budget now waits, and the request is tried again after.</summary>
    public bool RateLimited => StatusCode is 429 or 418;
}
