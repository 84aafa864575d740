namespace KlineAspire.Simulator;

/// <summary>Counts a connection's incoming messages over the last second, as Binance does for its 5 messages/s limit.</summary>
internal sealed class IncomingMessageRate(TimeProvider time)
{
    private readonly Queue<long> _arrivals = new();

    /// <summary>Records a message and returns how many arrived within the last second, this one included.</summary>
    public int Record()
    {
        var now = time.GetTimestamp();
        _arrivals.Enqueue(now);
        while (time.GetElapsedTime(_arrivals.Peek(), now) >= TimeSpan.FromSeconds(1))
        {
            _arrivals.Dequeue();
        }

        return _arrivals.Count;
    }
}
