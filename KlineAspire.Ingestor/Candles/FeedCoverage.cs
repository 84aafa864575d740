namespace KlineAspire.Ingestor.Candles;

/// <summary>
/// Whether the streams of one planned connection are being delivered. Binance pushes a kline only when something
/// changed, so a stream's own silence says nothing; what makes its last price untrustworthy is losing the
/// connection that carries it. Covered means a connection has acknowledged the subscription and is alive; lost
/// means none has been since a known instant; a rotation keeps the old connection until the new one is subscribed,
/// so it never shows as lost.
/// </summary>
public sealed class FeedCoverage
{
    private const long NeverCovered = long.MinValue;
    private const long Covered = long.MaxValue;

    // Enough to date the first loss after a stream's last update through a flapping reconnect; beyond that a closed
    // candle is judged as if the loss came right after its update.
    private const int RememberedLosses = 8;

    private readonly Lock _lossGate = new();
    private readonly long[] _lossTimes = new long[RememberedLosses];
    private long _state = NeverCovered;
    private int _losses;

    /// <summary>Increases every time coverage is lost; a candle updated under one value and closed under another may have missed updates.</summary>
    public int Losses => Volatile.Read(ref _losses);

    public bool IsCovered => Volatile.Read(ref _state) == Covered;

    public void MarkCovered() => Volatile.Write(ref _state, Covered);

    public void MarkLost(long nowUnixMs)
    {
        if (Interlocked.CompareExchange(ref _state, nowUnixMs, Covered) == Covered)
        {
            lock (_lossGate)
            {
                _lossTimes[_losses % RememberedLosses] = nowUnixMs;
                Volatile.Write(ref _losses, _losses + 1);
            }
        }
    }

    /// <summary>
    /// When coverage was first lost after <paramref name="losses"/> losses had been counted (Unix ms): null if it has
    /// not been lost since, <see cref="long.MinValue"/> if it was lost too often since to tell when the first was.
    /// </summary>
    public long? FirstLossAfter(int losses)
    {
        if (Volatile.Read(ref _losses) == losses)
        {
            return null;
        }

        lock (_lossGate)
        {
            return _losses - losses > RememberedLosses ? long.MinValue : _lossTimes[losses % RememberedLosses];
        }
    }

    /// <summary>
    /// True while covered, and for <paramref name="staleAfterMs"/> after a loss: a reconnect that takes a few seconds
    /// must not blank every graph. Never true before the first subscription.
    /// </summary>
    public bool IsLive(long nowUnixMs, long staleAfterMs)
    {
        var state = Volatile.Read(ref _state);
        return state == Covered || (state != NeverCovered && nowUnixMs - state <= staleAfterMs);
    }
}
