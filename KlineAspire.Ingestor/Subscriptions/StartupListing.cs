namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// exchangeInfo as read once at startup, before any hosted service runs. It is an options type so that checking
/// literal symbols against it is part of the startup validation (<c>ValidateOnStart</c>): an unlisted literal then
/// stops the host exactly like any other invalid setting, before a connection opens or a port is served.
/// </summary>
public sealed class StartupListing
{
    /// <summary>The listed symbols, or null when exchangeInfo could not be read (or the Binance settings are invalid).</summary>
    public IReadOnlyList<ListedSymbol>? Listed { get; set; }

    /// <summary>Why exchangeInfo could not be read, when it could not.</summary>
    public string? Unavailable { get; set; }

    /// <summary>The kind of failure when exchangeInfo could not be read, for the metric.</summary>
    public ExchangeInfoFailure? Failure { get; set; }
}
