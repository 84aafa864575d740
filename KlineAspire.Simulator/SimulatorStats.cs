namespace KlineAspire.Simulator;

/// <summary>What <c>GET /api/stats</c> reports.</summary>
/// <param name="SentUpdates">Kline updates written per stream name, summed over its subscribers.</param>
public sealed record SimulatorStats(
    int OpenConnections,
    int ConnectionAttempts,
    int RefusedConnectionAttempts,
    int SubscribedStreams,
    int RateLimitViolations,
    int StreamLimitViolations,
    int MaxObservedIncomingMessagesPerSecond,
    bool FeedPaused,
    IReadOnlyDictionary<string, long> SentUpdates);
