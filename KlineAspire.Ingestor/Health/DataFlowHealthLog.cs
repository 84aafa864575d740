using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KlineAspire.Ingestor.Health;

/// <summary>
/// Logs each change of the data-flow readiness once, with its reason, at the level the new state deserves. Orchestrators
/// probe <c>/health</c> every few seconds; the framework's own record of every probe (an Error each time while
/// Unhealthy) is filtered out for this, so an outage reads as one line per change.
/// </summary>
internal sealed partial class DataFlowHealthLog(ILogger<DataFlowHealthCheck> logger)
{
    private readonly Lock _gate = new();
    private (DataFlowState State, HealthStatus Status)? _last;

    public void Observe(DataFlowState state, HealthCheckResult result)
    {
        (DataFlowState State, HealthStatus Status)? previous;
        lock (_gate)
        {
            previous = _last;
            if (previous?.State == state)
            {
                return;
            }

            _last = (state, result.Status);
        }

        Changed(logger, state.Severity(result.Status), DataFlowHealthCheck.Name, result.Status, previous?.Status.ToString() ?? "not checked yet",
            result.Description ?? string.Empty);
    }

    [LoggerMessage(EventId = 1, Message = "Readiness {Check} is {Status} (was {Previous}): {Description}")]
    private static partial void Changed(ILogger logger, LogLevel level, string check, HealthStatus status, string previous, string description);
}
