namespace KlineAspire.Ingestor.Symbols;

/// <summary>
/// Literal symbols that exchangeInfo does not list. Binance would acknowledge their subscriptions and then send
/// nothing, so the ingestor refuses to start, like for any other invalid setting; each failure names the key and value.
/// </summary>
public sealed class UnknownSymbolsException(IReadOnlyList<string> failures) : Exception(string.Join(" ", failures))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}
