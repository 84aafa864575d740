using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Pacing;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Runs one <see cref="ConnectionSupervisor"/> per connection of the <see cref="StreamCatalog"/>: those of the startup
/// plan, and each one a listing opens later. A supervisor ends when its assignment is closed, and is restarted
/// when it fails.
/// </summary>
internal sealed class FeedService(
    StreamCatalog catalog,
    IOptions<BinanceOptions> options,
    KlineFrameProcessor processor,
    IngestorMetrics metrics,
    KlineMetrics marketMetrics,
    InstrumentViews series,
    IngestorStart start,
    WebSocketConnector connector,
    ILogger<FeedService> logger,
    ILoggerFactory loggerFactory,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here so the market-data gauges exist from the first scrape on.
        GC.KeepAlive(marketMetrics);
        // Resolved here so readiness's startup grace counts from the start, not from the first health probe.
        GC.KeepAlive(start);
        var settings = options.Value;
        var attemptBudget = new SlidingWindowLimiter(settings.MaxConnectionAttempts, BinanceLimits.ConnectionAttemptWindow, time);
        var assignments = catalog.Assignments;
        var endpoint = EndpointUri.CombinedStream(settings.Endpoint);
        Log.Plan(logger, assignments.Sum(assignment => assignment.Count), assignments.Count, endpoint);
        if (series.PerStreamSeries > InstrumentViews.Budget)
        {
            // About 62 bytes of exposition a series.
            Log.ManySeries(logger, series.PerStreamSeries, series.Streams, series.SeriesPerStream, InstrumentViews.Budget,
                series.PerStreamSeries * 62 / (1024 * 1024));
        }

        var connectionLogger = loggerFactory.CreateLogger<ConnectionSupervisor>();
        var outageLog = new ConnectionOutageLog(endpoint, connectionLogger, time);
        var running = new List<Task>();
        try
        {
            await foreach (var assignment in catalog.Opened.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                running.RemoveAll(task => task.IsCompleted);
                running.Add(SuperviseAsync(
                    new ConnectionSupervisor(assignment, settings, attemptBudget, processor, metrics, outageLog, connector, connectionLogger, time),
                    stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: every supervisor closes its connections.
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>A supervisor ends when the host stops or its assignment closes; if it fails, it is restarted.</summary>
    private async Task SuperviseAsync(ConnectionSupervisor supervisor, CancellationToken stoppingToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, supervisor.Assignment.Closed);
        await RestartOnFault.RunAsync(
            supervisor.RunAsync,
            new JitteredBackoff(options.Value.ReconnectBaseDelay, options.Value.ReconnectMaxDelay, Random.Shared),
            (exception, delay) =>
            {
                metrics.SupervisorRestarted();
                Log.SupervisorFaulted(logger, supervisor.ConnectionIndex, delay, exception);
            },
            time,
            lifetime.Token).ConfigureAwait(false);
    }
}
