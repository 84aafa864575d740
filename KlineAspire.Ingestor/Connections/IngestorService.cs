using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Streams;
using KlineAspire.Ingestor.Telemetry;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Connections;

/// <summary>Runs one <see cref="ConnectionSupervisor"/> per planned connection.</summary>
internal sealed class IngestorService(
    StreamPlan plan,
    IOptions<BinanceOptions> options,
    KlineFrameProcessor processor,
    IngestorMetrics metrics,
    KlineMetrics marketMetrics,
    ILogger<IngestorService> logger,
    ILoggerFactory loggerFactory,
    TimeProvider time) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here so the market-data gauges exist from the first scrape on.
        GC.KeepAlive(marketMetrics);
        var settings = options.Value;
        var attemptBudget = new SlidingWindowLimiter(settings.MaxConnectionAttempts, BinanceLimits.ConnectionAttemptWindow, time);
        Log.Plan(logger, plan.Streams.Count, plan.Connections.Count, EndpointUri.CombinedStream(settings.Endpoint));

        var connectionLogger = loggerFactory.CreateLogger<ConnectionSupervisor>();
        var supervisors = plan.Connections.Select(connection =>
            new ConnectionSupervisor(connection, settings, attemptBudget, processor, metrics, connectionLogger, time).RunAsync(stoppingToken));
        return Task.WhenAll(supervisors);
    }
}
