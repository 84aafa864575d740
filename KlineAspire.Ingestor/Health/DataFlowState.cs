using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KlineAspire.Ingestor.Health;

/// <summary>
/// Which case of <see cref="DataFlowHealthCheck"/> holds. Its description carries counts that move on every probe;
/// the case changes only when the story does, so it is what a change of readiness is logged on.
/// </summary>
internal enum DataFlowState
{
    Starting,
    WaitingForSymbols,
    SymbolsUnknown,
    NoStreams,
    WaitingForFirstKline,
    SomeWithoutUpdate,
    SomeFeedsLost,
    AllLive,
    NoFeed,
}

internal static class DataFlowStateLevels
{
    /// <summary>Error only where a person is needed: nothing is delivered after the grace period.</summary>
    public static LogLevel Severity(this DataFlowState state, HealthStatus status) => status switch
    {
        HealthStatus.Unhealthy => LogLevel.Error,
        _ when state is DataFlowState.NoStreams or DataFlowState.SomeFeedsLost => LogLevel.Warning,
        _ => LogLevel.Information,
    };
}
