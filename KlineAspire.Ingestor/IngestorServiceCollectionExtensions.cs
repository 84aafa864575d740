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
    // Room for the ingestor's own series next to one series per stream.
    private const int CardinalityHeadroom = 100;

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
        services.AddSingleton<KlineMetrics>();
        services.AddKlineSymbolSelection();
        services.AddHostedService<IngestorService>();

        services.AddHealthChecks().AddCheck<DataFlowHealthCheck>(DataFlowHealthCheck.Name);

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestorTelemetry.MeterName)
            .AddPrometheusExporter());

        // The default limit of 2000 series per metric would fold streams into an overflow series; size it from the plan,
        // and for the growth patterns allow (literals never change).
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var binance = provider.GetRequiredService<IOptions<BinanceOptions>>().Value;
            var growth = binance.Symbols.Any(symbol => symbol.Contains(SymbolPattern.Wildcard, StringComparison.Ordinal)) ? binance.Intervals.Count * PatternSymbolAllowance : 0;
            var limit = provider.GetRequiredService<StreamPlan>().Streams.Count + growth + CardinalityHeadroom;
            var ownMeters = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument =>
                // Meter providers listen by name process-wide; a second host in the same process (tests, benchmarks)
                // must not leak its instruments into this one's /metrics.
                instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, ownMeters) ? MetricStreamConfiguration.Drop
                // Only the per-stream instruments get the raised limit: OpenTelemetry preallocates a metric point per
                // unit of limit, and the ingestor's own health instruments have a handful of series each.
                : instrument.Meter.Name == IngestorTelemetry.MeterName && !instrument.Name.StartsWith(IngestorTelemetry.HealthInstrumentPrefix, StringComparison.Ordinal)
                    ? new MetricStreamConfiguration { CardinalityLimit = Math.Max(2000, limit) }
                : null);
        });

        return builder;
    }
}
