namespace KlineAspire.Simulator;

/// <summary>What the simulator observed of clients pushing against Binance's per-connection limits.</summary>
internal sealed class LimitViolations
{
    private int _rateLimit;
    private int _streamLimit;
    private int _maxIncomingRate;

    /// <summary>Connections closed with 1008 for sending more than the allowed messages per second.</summary>
    public int RateLimit => Volatile.Read(ref _rateLimit);

    /// <summary>Subscriptions refused because a connection would exceed its stream limit.</summary>
    public int StreamLimit => Volatile.Read(ref _streamLimit);

    /// <summary>The highest number of messages any single connection sent within one second.</summary>
    public int MaxIncomingMessagesPerSecond => Volatile.Read(ref _maxIncomingRate);

    public void RecordRateLimit() => Interlocked.Increment(ref _rateLimit);

    public void RecordStreamLimit() => Interlocked.Increment(ref _streamLimit);

    public void RecordIncomingRate(int perSecond) => MaxCounter.RaiseToAtLeast(ref _maxIncomingRate, perSecond);
}
