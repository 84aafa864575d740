namespace KlineAspire.Simulator;

/// <summary>Binance's per-IP handshake budget: N attempts per sliding window; attempts beyond it are refused with 429.</summary>
internal sealed class ConnectionAttemptBudget(int limit, TimeSpan window, TimeProvider time)
{
    private readonly SlidingWindowCount _admitted = new(window, time);
    private readonly Lock _gate = new();

    public int Total { get; private set; }

    public int Refused { get; private set; }

    /// <summary>Records an attempt; false when it exceeds the budget.</summary>
    public bool TryAdmit()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            Total++;
            if (_admitted.CountAt(now) >= limit)
            {
                Refused++;
                return false;
            }

            _admitted.Add(now);
            return true;
        }
    }
}
