using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Subscriptions;

internal static class SymbolSelectionServiceCollectionExtensions
{
    /// <summary>
    /// exchangeInfo, symbol patterns and the live stream set. Register before the connections, so the refresh
    /// service has applied the startup selection when they start.
    /// </summary>
    public static IServiceCollection AddKlineSymbolSelection(this IServiceCollection services)
    {
        // Resolved only once the Binance settings are known to be valid (the startup validator builds its own, before that is known).
        services.AddSingleton(provider => new SymbolSelector(SymbolPattern.FromConfiguration(provider.GetRequiredService<IOptions<BinanceOptions>>().Value.Symbols)));
        services.AddSingleton(provider => StreamCapacity.For(
            provider.GetRequiredService<IOptions<BinanceOptions>>().Value,
            provider.GetRequiredService<SymbolSelector>(),
            provider.GetRequiredService<StreamPlan>(),
            provider.GetRequiredService<IOptions<StartupListing>>().Value));
        services.AddSingleton(provider => new StreamCatalog(
            provider.GetRequiredService<StreamPlan>(),
            new KlineStore(),
            provider.GetRequiredService<IOptions<BinanceOptions>>(),
            provider.GetRequiredService<StreamCapacity>()));
        services.AddSingleton<SymbolRefreshState>();
        services.AddSingleton<FatalSymbolError>();
        services.AddSingleton(provider => new RestWeightBudget(BinanceLimits.ExchangeInfoWeight, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ExchangeInfoClient>();
        services.AddSingleton<SymbolRefreshMetrics>();
        services.AddSingleton<IConfigureOptions<StartupListing>, StartupListingSetup>();
        services.AddSingleton<IValidateOptions<StartupListing>, StartupListingValidator>();
        // Validated on start, after the Binance settings: an unlisted literal symbol is a startup error like they are.
        services.AddOptions<StartupListing>().ValidateOnStart();

        // The service defaults give every client the standard resilience handler, whose retries would send requests
        // the weight budget never sees (into a 429, or a 418 ban). This client has none: its caller retries, within budget.
        // (RemoveAllResilienceHandlers says the same, but is still marked for evaluation only.)
        // Its timeout would end at the headers (ExchangeInfoClient reads the body as a stream): the client's own deadline,
        // Binance:RestTimeout, covers the whole request instead.
        services.AddHttpClient(ExchangeInfoClient.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
            {
                for (var index = handlers.Count - 1; index >= 0; index--)
                {
                    if (handlers[index] is ResilienceHandler)
                    {
                        handlers.RemoveAt(index);
                    }
                }
            });

        // HttpClient logs every failed request at Information with a stack trace; the refresh service logs one line instead.
        services.Configure<LoggerFilterOptions>(logging => logging.AddFilter("System.Net.Http.HttpClient." + ExchangeInfoClient.HttpClientName, LogLevel.Warning));

        services.AddHostedService<SymbolRefreshService>();
        return services;
    }
}
