using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Health;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Streams;
using KlineAspire.Ingestor.Telemetry;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Connections;

/// <summary>Runs one <see cref="ConnectionSupervisor"/> per planned connection, and restarts one that fails.</summary>
internal sealed class IngestorService(
    StreamPlan plan,
    KlineStore store,
    IOptions<BinanceOptions> options,
    KlineFrameProcessor processor,
    IngestorMetrics metrics,
    KlineMetrics marketMetrics,
    IngestorStart start,
    ILogger<IngestorService> logger,
    ILoggerFactory loggerFactory,
    TimeProvider time) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here so the market-data gauges exist from the first scrape on.
        GC.KeepAlive(marketMetrics);
        // Resolved here so readiness's startup grace counts from the start, not from the first health probe.
        GC.KeepAlive(start);
        var settings = options.Value;
        var attemptBudget = new SlidingWindowLimiter(settings.MaxConnectionAttempts, BinanceLimits.ConnectionAttemptWindow, time);
        Log.Plan(logger, plan.Streams.Count, plan.Connections.Count, EndpointUri.CombinedStream(settings.Endpoint));

        var connectionLogger = loggerFactory.CreateLogger<ConnectionSupervisor>();
        var supervisors = plan.Connections.Select(connection => SuperviseAsync(
            new ConnectionSupervisor(connection, store.Coverage(connection.Index), settings, attemptBudget, processor, metrics, connectionLogger, time),
            stoppingToken));
        return Task.WhenAll(supervisors);
    }

    private Task SuperviseAsync(ConnectionSupervisor supervisor, CancellationToken stoppingToken) =>
        RestartOnFault.RunAsync(
            supervisor.RunAsync,
            new ReconnectBackoff(options.Value.ReconnectBaseDelay, options.Value.ReconnectMaxDelay, Random.Shared),
            (exception, delay) =>
            {
                metrics.SupervisorRestarted();
                Log.SupervisorFaulted(logger, supervisor.Slot, delay, exception);
            },
            time,
            stoppingToken);
}
