namespace KlineAspire.Ingestor.Pacing;

/// <summary>
/// At most <c>permits</c> acquisitions in any window of the given length. Used for Binance's connection-attempt
/// budget (300 per 5 minutes, shared by all connections) and its per-connection message limit (5 per second).
/// Unlike a token bucket it never allows a burst above the limit inside any window, which is how Binance counts.
/// </summary>
public sealed class SlidingWindowLimiter(int permits, TimeSpan window, TimeProvider time)
{
    private readonly Queue<long> _grants = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public int Permits { get; } = permits;

    public TimeSpan Window { get; } = window;

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var wait = TimeUntilFree();
                if (wait <= TimeSpan.Zero)
                {
                    _grants.Enqueue(time.GetTimestamp());
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

    private TimeSpan TimeUntilFree()
    {
        while (_grants.Count > 0 && time.GetElapsedTime(_grants.Peek()) >= Window)
        {
            _grants.Dequeue();
        }

        return _grants.Count < Permits ? TimeSpan.Zero : Window - time.GetElapsedTime(_grants.Peek());
    }
}
