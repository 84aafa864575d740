using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>Fails startup when exchangeInfo answered and does not list a literal symbol, naming the key and value.</summary>
internal sealed class StartupListingValidator(IOptions<BinanceOptions> binance, ExchangeInfoClient exchangeInfo) : IValidateOptions<StartupListing>
{
    public ValidateOptionsResult Validate(string? name, StartupListing options)
    {
        if (options.Listed is not { } listed)
        {
            return ValidateOptionsResult.Success;
        }

        var selection = new SymbolSelector(SymbolPattern.FromConfiguration(binance.Value.Symbols)).Select(listed);
        return selection.UnknownLiterals.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(UnknownSymbols.Failures(selection.UnknownLiterals, exchangeInfo.Address));
    }
}
