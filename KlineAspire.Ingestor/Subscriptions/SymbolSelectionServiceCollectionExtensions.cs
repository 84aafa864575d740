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
        services.AddSingleton(provider =>
            new SymbolSelector(SymbolPattern.FromConfiguration(provider.GetRequiredService<IOptions<BinanceOptions>>().Value.Symbols)));
        services.AddSingleton<StartupSymbolCheck>();
        // Everything built from the startup selection is built when the host starts, after the check has run.
        services.AddSingleton(provider => provider.GetRequiredService<StartupSymbolCheck>().Result);
        services.AddSingleton(provider => StreamCapacity.For(
            provider.GetRequiredService<IOptions<BinanceOptions>>().Value,
            provider.GetRequiredService<SymbolSelector>(),
            provider.GetRequiredService<StreamPlan>(),
            provider.GetRequiredService<StartupSelection>()));
        services.AddSingleton(provider => new StreamCatalog(
            provider.GetRequiredService<StreamPlan>(),
            new KlineStore(),
            provider.GetRequiredService<IOptions<BinanceOptions>>(),
            provider.GetRequiredService<StreamCapacity>()));
        services.AddSingleton<SymbolRefreshState>();
        services.AddSingleton(provider => new RestWeightBudget(BinanceLimits.ExchangeInfoWeight, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ExchangeInfoClient>();
        services.AddSingleton<SymbolRefreshMetrics>();

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
        services.Configure<LoggerFilterOptions>(logging =>
            logging.AddFilter("System.Net.Http.HttpClient." + ExchangeInfoClient.HttpClientName, LogLevel.Warning));

        // A singleton too: the application awaits its LateRejection around the run.
        services.AddSingleton<SymbolRefreshService>();
        services.AddHostedService(provider => provider.GetRequiredService<SymbolRefreshService>());
        return services;
    }
}
