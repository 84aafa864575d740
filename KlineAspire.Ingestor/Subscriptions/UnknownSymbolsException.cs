using KlineAspire.Ingestor.Configuration;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Literal symbols that exchangeInfo does not list. Binance would acknowledge their subscriptions and then send
/// nothing, so the ingestor refuses them like any other invalid setting; each failure names the key and value.
/// </summary>
public sealed class UnknownSymbolsException(IReadOnlyList<string> failures) : Exception(string.Join(" ", failures))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

internal static class UnknownSymbols
{
    public static List<string> Failures(IEnumerable<SymbolPattern> unknown, Uri address) => unknown
        .Select(literal => $"{BinanceOptions.SectionName}:{nameof(BinanceOptions.Symbols)}:{literal.Index} = '{literal.Text}' is not listed by "
            + $"exchangeInfo at {address}: Binance would acknowledge its subscription and then send nothing.")
        .ToList();
}
