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
    // With symbol patterns the stream set is not known when the meter provider is built, and it changes: every
    // symbol ever listed keeps its series' slot for the process lifetime (cumulative temporality frees none). Binance
    // spot lists about 3,000 symbols in all, fewer trading; 4,000 per interval covers them plus the listings of a long
    // run. Past it, new series fold into otel_metric_overflow="true" until a restart.
    private const int PatternSymbolAllowance = 4000;

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
            provider.GetRequiredService<IMeterFactory>().Create(IngestorTelemetry.MeterName),
            provider.GetRequiredService<MarketReadings>()));
        services.AddKlineSymbolSelection();
        services.AddHostedService<IngestorService>();

        services.AddHealthChecks().AddCheck<DataFlowHealthCheck>(DataFlowHealthCheck.Name);

        services.AddSingleton(provider =>
        {
            var binance = provider.GetRequiredService<IOptions<BinanceOptions>>().Value;
            var planned = provider.GetRequiredService<StreamPlan>().Streams.Count;
            // Literal symbols never change; patterns follow listings, so size the series limit for their growth.
            var growth = binance.Symbols.Any(symbol => symbol.Contains(SymbolPattern.Wildcard, StringComparison.Ordinal)) ? binance.Intervals.Count * PatternSymbolAllowance : 0;
            return new MetricStreamPolicy(provider.GetRequiredService<IMeterFactory>(), planned, planned + growth, KlineSeries.InstrumentsFor(binance.Series));
        });

        // The application's meter provider serves /metrics: every selected series, always.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestorTelemetry.MeterName)
            .AddPrometheusExporter(options => options.ScopeInfoEnabled = false));
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var policy = provider.GetRequiredService<MetricStreamPolicy>();
            metrics.AddView(instrument => policy.Configure(instrument, marketMeter: IngestorTelemetry.MeterName));
        });

        // OTLP (the Aspire dashboard) gets a meter provider of its own, so that bulk market data stays out of it.
        if (builder.Configuration.HasOtlpEndpoint())
        {
            services.AddHostedService<OtlpMetricsExport>();
        }

        return builder;
    }
}
