using System.Globalization;

namespace KlineAspire.Simulator;

/// <summary>
/// Generated trading symbols for rehearsing whole-exchange selections offline (<see cref="SimulatorOptions.SyntheticSymbols"/>).
/// Symbol <c>i</c> quotes in <see cref="ExchangeSymbol.QuoteAssets"/>[i mod 8] with base asset <c>S{i div 8}</c>
/// (<c>S0FDUSD</c>, <c>S0USDT</c>, ..., <c>S0EUR</c>, <c>S1FDUSD</c>, ...): the same count gives the same names on every
/// run, a larger count only adds names, and a pattern such as <c>*USDT</c> selects every eighth.
/// </summary>
public static class SyntheticSymbols
{
    public static IEnumerable<ExchangeSymbol> Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var quotes = ExchangeSymbol.QuoteAssets;
        for (var i = 0; i < count; i++)
        {
            var baseAsset = string.Create(CultureInfo.InvariantCulture, $"S{i / quotes.Count}");
            var quoteAsset = quotes[i % quotes.Count];
            yield return new ExchangeSymbol(baseAsset + quoteAsset, ExchangeSymbol.Trading, baseAsset, quoteAsset);
        }
    }
}
