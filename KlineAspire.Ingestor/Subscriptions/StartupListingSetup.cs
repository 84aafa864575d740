using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Reads exchangeInfo once, when startup validation asks for <see cref="StartupListing"/>. Options are built
/// synchronously, so the request is waited on here; it runs once, before the host starts anything, and is bounded.
/// </summary>
internal sealed class StartupListingSetup(ExchangeInfoClient exchangeInfo, IOptions<BinanceOptions> binance) : IConfigureOptions<StartupListing>
{
    // The host serves nothing while this runs (not even /health): keep it short; the refresh service retries later.
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public void Configure(StartupListing options)
    {
        try
        {
            _ = binance.Value;
        }
        catch (OptionsValidationException)
        {
            // The Binance settings' own validation reports that; with a bad REST endpoint there is nothing to read.
            return;
        }

        try
        {
            // No caller token: the deadline is the only way this ends early, and the client reports it as a failure like any other.
            options.Listed = exchangeInfo.GetSymbolsAsync(exchangeInfo.RequestTimeout < MaxWait ? exchangeInfo.RequestTimeout : MaxWait, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (ExchangeInfoUnavailableException exception)
        {
            options.Unavailable = exception.Message;
            options.Failure = exception.Failure;
        }
    }
}
