using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Health;

/// <summary>
/// Ready only while data actually flows: unhealthy before the first kline and whenever no stream has updated
/// within <see cref="BinanceOptions.StaleAfter"/>; degraded while some streams are stale.
/// </summary>
internal sealed class DataFlowHealthCheck(KlineStore store, IngestorMetrics metrics, IOptions<BinanceOptions> options, TimeProvider time) : IHealthCheck
{
    public const string Name = "kline-data-flow";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var staleAfter = options.Value.StaleAfter;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var fresh = store.CountFresh(now, (long)staleAfter.TotalMilliseconds);
        var data = new Dictionary<string, object>
        {
            ["streams"] = store.Count,
            ["fresh_streams"] = fresh,
            ["connections"] = metrics.OpenConnections,
            ["subscribed_streams"] = metrics.SubscribedStreams,
        };

        var result = store.LastReceivedAtUnixMs() switch
        {
            null => HealthCheckResult.Unhealthy("No kline received yet.", data: data),
            var last when fresh == 0 => HealthCheckResult.Unhealthy($"No stream has updated for {TimeSpan.FromMilliseconds(now - last.Value):g} (stale after {staleAfter:g}).", data: data),
            _ when fresh < store.Count => HealthCheckResult.Degraded($"{store.Count - fresh} of {store.Count} streams are stale or have no data yet.", data: data),
            _ => HealthCheckResult.Healthy($"All {store.Count} streams are updating.", data),
        };
        return Task.FromResult(result);
    }
}
