namespace KlineAspire.Ingestor.Pacing;

/// <summary>
/// At most <c>permits</c> acquisitions in any window of the given length. Used for Binance's connection-attempt
/// budget (300 per 5 minutes, shared by all connections) and its per-connection message limit (5 per second).
/// Unlike a token bucket it never allows a burst above the limit inside any window, which is how Binance counts.
/// One acquisition may take several permits at once: the REST budget counts request weight, and requests weigh differently.
/// </summary>
public sealed class SlidingWindowLimiter(int permits, TimeSpan window, TimeProvider time)
{
    private readonly Queue<(long At, int Permits)> _grants = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _granted;

    public int Permits { get; } = permits;

    public TimeSpan Window { get; } = window;

    public Task AcquireAsync(CancellationToken cancellationToken) => AcquireAsync(1, cancellationToken);

    public async Task AcquireAsync(int permits, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permits, Permits);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var wait = TimeUntilFree(permits);
                if (wait <= TimeSpan.Zero)
                {
                    _grants.Enqueue((time.GetTimestamp(), permits));
                    _granted += permits;
                    return;
                }

                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private TimeSpan TimeUntilFree(int permits)
    {
        while (_grants.Count > 0 && time.GetElapsedTime(_grants.Peek().At) >= Window)
        {
            _granted -= _grants.Dequeue().Permits;
        }

        var excess = _granted + permits - Permits;
        if (excess <= 0)
        {
            return TimeSpan.Zero;
        }

        // Free once enough of the oldest grants have left the window.
        foreach (var grant in _grants)
        {
            excess -= grant.Permits;
            if (excess <= 0)
            {
                return Window - time.GetElapsedTime(grant.At);
            }
        }

        return Window;
    }
}
