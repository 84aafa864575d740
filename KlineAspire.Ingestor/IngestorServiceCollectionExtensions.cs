using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Connections;
using KlineAspire.Ingestor.Health;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Streams;
using KlineAspire.Ingestor.Symbols;
using KlineAspire.Ingestor.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KlineAspire.Ingestor;

public static class IngestorServiceCollectionExtensions
{
    /// <summary>Registers the Binance ingestor: validated options, the store, the connections, metrics and health.</summary>
    public static TBuilder AddKlineIngestor<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddSingleton<IConfigureOptions<BinanceOptions>, BinanceOptionsSetup>();
        services.AddSingleton<IValidateOptions<BinanceOptions>, BinanceOptionsValidator>();
        services.AddOptions<BinanceOptions>().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => StreamPlanner.Plan(provider.GetRequiredService<IOptions<BinanceOptions>>().Value));
        services.AddSingleton(provider => new KlineStore(provider.GetRequiredService<StreamPlan>()));
        services.AddSingleton<MarketReadings>();
        services.AddSingleton(provider => new IngestorStart(provider.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton<KlineFrameProcessor>();
        services.AddSingleton<IngestorMetrics>();
        services.AddSingleton(provider => new KlineMetrics(
            provider.GetRequiredService<IMeterFactory>().Create(IngestorTelemetry.PrometheusMarketMeterName),
            provider.GetRequiredService<MarketReadings>()));
        services.AddKlineSymbolSelection();
        services.AddHostedService<IngestorService>();

        services.AddHealthChecks().AddCheck<DataFlowHealthCheck>(DataFlowHealthCheck.Name);

        services.AddSingleton(provider =>
        {
            var binance = provider.GetRequiredService<IOptions<BinanceOptions>>().Value;
            return new MetricStreamPolicy(provider.GetRequiredService<IMeterFactory>(), provider.GetRequiredService<StreamCapacity>().Streams, KlineSeries.InstrumentsFor(binance.Series));
        });

        // The application's meter provider serves /metrics: every selected series, always. Its market instruments read
        // its MarketReadings and live on a meter no other provider listens to.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestorTelemetry.MeterName, IngestorTelemetry.PrometheusMarketMeterName)
            .SetOwnInstrumentLimit()
            .AddPrometheusExporter(options => options.ScopeInfoEnabled = false));
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var policy = provider.GetRequiredService<MetricStreamPolicy>();
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
