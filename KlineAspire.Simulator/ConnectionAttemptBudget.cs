namespace KlineAspire.Simulator;

/// <summary>Binance's per-IP handshake budget: N attempts per sliding window; attempts beyond it are refused with 429.</summary>
internal sealed class ConnectionAttemptBudget(int limit, TimeSpan window, TimeProvider time)
{
    private readonly Queue<long> _attempts = new();
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
            while (_attempts.Count > 0 && time.GetElapsedTime(_attempts.Peek(), now) >= window)
            {
                _attempts.Dequeue();
            }

            if (_attempts.Count >= limit)
            {
                Refused++;
                return false;
            }

            _attempts.Enqueue(now);
            return true;
        }
    }
}
