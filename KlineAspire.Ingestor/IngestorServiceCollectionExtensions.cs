using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Health;
using KlineAspire.Ingestor.History;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KlineAspire.Ingestor;

public static class IngestorServiceCollectionExtensions
{
    /// <summary>The log category of the framework's health check runner (the type itself is internal).</summary>
    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>Registers the Binance ingestor: validated options, the store, the connections, metrics and health.</summary>
    public static TBuilder AddKlineIngestor<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddSingleton<IConfigureOptions<BinanceOptions>, BinanceOptionsSetup>();
        services.AddSingleton<IValidateOptions<BinanceOptions>, BinanceOptionsValidator>();
        services.AddOptions<BinanceOptions>().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => StreamPlanner.Plan(provider.GetRequiredService<IOptions<BinanceOptions>>().Value));
        // The stream catalog owns the stream set and each connection's coverage: the store is the one it fills.
        services.AddSingleton(provider => provider.GetRequiredService<StreamCatalog>().Store);
        services.AddSingleton<MarketReadings>();
        services.AddSingleton(provider => new IngestorStart(provider.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton<KlineFrameProcessor>();
        services.TryAddSingleton<WebSocketConnector>();
        services.AddSingleton<IngestorMetrics>();
        services.AddSingleton(provider => new KlineMetrics(
            provider.GetRequiredService<IMeterFactory>().Create(IngestorTelemetry.PrometheusMarketMeterName),
            provider.GetRequiredService<MarketReadings>()));
        services.AddKlineSymbolSelection();
        services.AddHostedService<FeedService>();
        // After the feed, so that history never delays it; served at /history (IngestorApplication).
        services.AddSingleton<HistoryBook>();
        services.AddSingleton<KlinesClient>();
        services.AddSingleton<HistoryMetrics>();
        services.AddHostedService<HistoryFetchService>();

        services.AddSingleton<DataFlowHealthLog>();
        services.AddHealthChecks().AddCheck<DataFlowHealthCheck>(DataFlowHealthCheck.Name);
        // The framework logs every check of every probe (Error while Unhealthy, Warning while Degraded), and Aspire
        // probes every few seconds: an outage would be a column of identical Errors. DataFlowHealthLog logs each
        // change once instead.
        builder.Logging.AddFilter(HealthCheckServiceCategory, LogLevel.Critical);

        services.AddSingleton(provider =>
        {
            var binance = provider.GetRequiredService<IOptions<BinanceOptions>>().Value;
            return new InstrumentViews(provider.GetRequiredService<IMeterFactory>(), provider.GetRequiredService<StreamCapacity>().Streams, KlineSeries.InstrumentsFor(binance.Series));
        });

        // The application's meter provider serves /metrics: every selected series, always. Its market instruments read
        // its MarketReadings and live on a meter no other provider listens to.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestorTelemetry.MeterName, IngestorTelemetry.PrometheusMarketMeterName)
            .SetOwnInstrumentLimit()
            .AddPrometheusExporter(options => options.ScopeInfoEnabled = false));
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var policy = provider.GetRequiredService<InstrumentViews>();
            metrics.AddView(instrument => policy.Configure(instrument, IngestorTelemetry.PrometheusMarketMeterName));
        });

        // OTLP (the Aspire dashboard) gets a meter provider of its own, so that bulk market data stays out of it.
        if (builder.Configuration.HasOtlpEndpoint())
        {
            services.AddHostedService<OtlpMetricsExport>();
        }

        return builder;
    }
}
