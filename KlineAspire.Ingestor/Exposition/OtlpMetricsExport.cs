using System.Diagnostics.Metrics;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// Sends the ingestor's metrics over OTLP from a meter provider of its own. OpenTelemetry applies views per provider,
/// not per reader: on the application's provider the OTLP reader would hold, and send every second, each series
/// Prometheus gets. One export must fit the receiver's message limit (the Aspire dashboard takes 4 MiB), so this
/// provider always carries the health, runtime and HTTP metrics and the missed-candle count, and the per-stream market
/// data only while the run's room for streams × selected series stays within <see cref="BinanceOptions.OtlpMarketSeriesLimit"/>.
/// Its market instruments read a <see cref="MarketReadings"/> of its own, on a meter of its own: an export never reads,
/// starts or consumes a reading of the Prometheus provider.
/// </summary>
internal sealed partial class OtlpMetricsExport(
    IConfiguration configuration,
    IMeterFactory meterFactory,
    InstrumentViews policy,
    KlineStore store,
    IOptions<BinanceOptions> options,
    TimeProvider time,
    ILogger<OtlpMetricsExport> logger) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    /// <summary>True when the market data goes over OTLP too.</summary>
    public bool IncludesMarketData => policy.PerStreamSeries <= options.Value.OtlpMarketSeriesLimit;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var metrics = Sdk.CreateMeterProviderBuilder()
            // The exporter and reader read OTEL_EXPORTER_OTLP_* and OTEL_METRIC_EXPORT_INTERVAL from the application's
            // configuration, as the application's own provider would.
            .ConfigureServices(services => services.AddSingleton(configuration))
            .AddMeter(IngestorTelemetry.MeterName, IngestorTelemetry.OtlpMarketMeterName)
            .AddDefaultMeters()
            .SetExemplarFilter(configuration)
            .SetOwnInstrumentLimit();
        // Its instruments live as long as the meter, which the host's meter factory owns. Above the cut the view drops the
        // per-stream ones, which OpenTelemetry then never calls.
        _ = new KlineMetrics(meterFactory.Create(IngestorTelemetry.OtlpMarketMeterName), new MarketReadings(store, options, time));
        var perStreamSeries = IncludesMarketData;
        _provider = metrics
            .AddView(instrument => policy.Configure(instrument, IngestorTelemetry.OtlpMarketMeterName, perStreamSeries))
            .AddOtlpExporter()
            .Build();
        Log.OtlpMetrics(logger, policy.PerStreamSeries, options.Value.OtlpMarketSeriesLimit, IncludesMarketData ? "included" : "left out (Prometheus only)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Sends the last export; bounded, so an unreachable receiver cannot hold up shutdown.
        _provider?.Shutdown(timeoutMilliseconds: 2000);
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "OTLP metrics: health, runtime and HTTP; market data (at most {PerStreamSeries} per-stream "
            + "series this run, limit Binance:OtlpMarketSeriesLimit = {Limit}) {MarketData}.")]
        public static partial void OtlpMetrics(ILogger logger, long perStreamSeries, int limit, string marketData);
    }
}
