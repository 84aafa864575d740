using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Health;

/// <summary>
/// Readiness that says whether data can flow, without crying wolf. Unhealthy only for real trouble: after the
/// startup grace period, no stream's feed is up (every connection lost for longer than <c>StaleAfter</c>, or never
/// subscribed). Degraded while starting, and while some streams have no price to serve (feed lost, or no update
/// yet: Binance pushes only on change, so a quiet pair on a healthy connection may have none for a while).
/// Each change of state is logged once by <see cref="DataFlowHealthLog"/>, not on every probe.
/// </summary>
/// With symbol patterns, readiness also says when exchangeInfo has never been read, and why.
internal sealed class DataFlowHealthCheck(
    KlineStore store,
    IngestorMetrics metrics,
    IngestorStart start,
    SymbolRefreshState symbols,
    DataFlowHealthLog log,
    IOptions<BinanceOptions> options,
    TimeProvider time) : IHealthCheck
{
    public const string Name = "kline-data-flow";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (state, result) = Check();
        log.Observe(state, result);
        return Task.FromResult(result);
    }

    private (DataFlowState State, HealthCheckResult Result) Check()
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var census = store.Census(now.ToUnixTimeMilliseconds(), (long)settings.StaleAfter.TotalMilliseconds);
        var starting = now - start.At < settings.StartupGrace;
        var data = new Dictionary<string, object>
        {
            ["streams"] = census.Streams,
            ["live_streams"] = census.Live,
            ["streams_with_feed_up"] = census.FeedUp,
            ["streams_with_data"] = census.WithData,
            ["connections"] = metrics.OpenConnections,
            ["subscribed_streams"] = metrics.SubscribedStreams,
        };

        if (symbols.LastSuccess is { } refreshed)
        {
            data["last_symbol_refresh"] = refreshed.ToString("O");
        }

        // Patterns select nothing until exchangeInfo has been read: degraded while starting, then unready, with the reason.
        if (symbols.WaitingFor is { } waiting)
        {
            return starting
                ? (DataFlowState.WaitingForSymbols, HealthCheckResult.Degraded($"Starting: {waiting}", data: data))
                : (DataFlowState.SymbolsUnknown, HealthCheckResult.Unhealthy(waiting, data: data));
        }

        return census switch
        {
            { Streams: 0 } => (DataFlowState.NoStreams,
                HealthCheckResult.Degraded("No stream to ingest: the symbol patterns match no symbol exchangeInfo lists as TRADING.", data: data)),
            { Live: var live, Streams: var streams } when live == streams => (DataFlowState.AllLive,
                HealthCheckResult.Healthy($"All {streams} streams are subscribed and have data.", data)),
            { FeedUp: 0 } when starting => (DataFlowState.Starting,
                HealthCheckResult.Degraded($"Starting: connecting and subscribing {census.Streams} streams.", data: data)),
            { FeedUp: 0 } => (DataFlowState.NoFeed,
                HealthCheckResult.Unhealthy(
                    $"No stream is being delivered: no connection has been subscribed for the last {settings.StaleAfter:g}.", data: data)),
            { WithData: 0 } => (DataFlowState.WaitingForFirstKline,
                HealthCheckResult.Degraded("Subscribed, waiting for the first kline (Binance pushes a stream only when it changes).", data: data)),
            _ => (census.FeedUp < census.Streams ? DataFlowState.SomeFeedsLost : DataFlowState.SomeWithoutUpdate, HealthCheckResult.Degraded(
                $"{census.Stale} of {census.Streams} streams have no price to serve: {census.Streams - census.FeedUp} with their feed lost, "
                + $"{census.Streams - census.WithData} without an update yet.",
                data: data)),
        };
    }
}
