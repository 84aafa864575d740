namespace KlineAspire.Simulator;

/// <summary>What <c>GET /api/stats</c> reports.</summary>
public sealed record SimulatorStats(
    int OpenConnections,
    int ConnectionAttempts,
    int RefusedConnectionAttempts,
    int SubscribedStreams,
    int RateLimitViolations,
    int StreamLimitViolations,
    int MaxObservedIncomingMessagesPerSecond,
    bool FeedPaused);
