namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>One symbol of exchangeInfo with its status; only <c>TRADING</c> symbols stream.</summary>
public sealed record ListedSymbol(string Symbol, string Status)
{
    public const string Trading = "TRADING";

    public bool IsTrading => Status == Trading;
}
