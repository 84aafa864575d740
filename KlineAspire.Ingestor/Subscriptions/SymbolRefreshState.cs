namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>Where the symbol selection stands, for readiness and metrics: read by probes, written by the refresh loop.</summary>
public sealed class SymbolRefreshState
{
    private volatile string? _waitingFor;
    private long _lastSuccessUnixMs;

    /// <summary>
    /// Set while the configured patterns have never been resolved because exchangeInfo could not be read, e.g.
    /// "waiting for exchangeInfo from https://api.binance.com/api/v3/exchangeInfo: HTTP 503"; null otherwise.
    /// </summary>
    public string? WaitingFor => _waitingFor;

    /// <summary>When exchangeInfo was last read and applied, or null if never.</summary>
    public DateTimeOffset? LastSuccess => Volatile.Read(ref _lastSuccessUnixMs) is var at && at != 0 ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;

    public void Waiting(string reason) => _waitingFor = reason;

    public void Succeeded(DateTimeOffset at)
    {
        Volatile.Write(ref _lastSuccessUnixMs, at.ToUnixTimeMilliseconds());
        _waitingFor = null;
    }
}
