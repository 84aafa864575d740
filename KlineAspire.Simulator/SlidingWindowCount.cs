namespace KlineAspire.Simulator;

/// <summary>
/// Events within a sliding window: the counting behind Binance's limits (messages per second per connection,
/// handshakes per five minutes). Not thread-safe; callers that share one hold their own lock.
/// </summary>
internal sealed class SlidingWindowCount(TimeSpan window, TimeProvider time)
{
    private readonly Queue<long> _events = new();

    /// <summary>Events recorded within the window that ends at <paramref name="now"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public int CountAt(long now)
    {
        while (_events.Count > 0 && time.GetElapsedTime(_events.Peek(), now) >= window)
        {
            _events.Dequeue();
        }

        return _events.Count;
    }

    public void Add(long now) => _events.Enqueue(now);
}
