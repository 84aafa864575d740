namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Tells an outage of the stream endpoint as one story, however many connections and attempts it spans: the first
/// failed attempt names the endpoint and the cause (a Warning); each later one is back-off progress (Information);
/// the subscription that leaves no connection failing says how long it lasted and how many attempts it cost
/// (Information). A drop of a live connection is logged where it happens; this tells only the attempts after it.
/// </summary>
internal sealed class ConnectionOutageLog(Uri endpoint, ILogger logger, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<int> _failing = [];
    private long _since;
    private int _failedAttempts;

    public void AttemptFailed(int connectionIndex, string connection, DisconnectReason reason, string cause, TimeSpan delay)
    {
        bool first;
        lock (_gate)
        {
            first = _failing.Count == 0;
            if (first)
            {
                _since = time.GetTimestamp();
                _failedAttempts = 0;
            }

            _failing.Add(connectionIndex);
            _failedAttempts++;
        }

        if (first)
        {
            Log.Unreachable(logger, endpoint, cause, reason.ToLabel(), connection, delay);
        }
        else
        {
            Log.AttemptFailed(logger, connection, reason.ToLabel(), cause, delay);
        }
    }

    public void Subscribed(int connectionIndex)
    {
        TimeSpan lasted;
        int attempts;
        lock (_gate)
        {
            if (!_failing.Remove(connectionIndex) || _failing.Count > 0)
            {
                return;
            }

            lasted = time.GetElapsedTime(_since);
            attempts = _failedAttempts;
        }

        Log.Reachable(logger, endpoint, lasted, attempts);
    }

    /// <summary>A connection that ends for good (its streams left, or shutdown) no longer keeps an outage open; it did not recover either.</summary>
    public void Ended(int connectionIndex)
    {
        lock (_gate)
        {
            _failing.Remove(connectionIndex);
        }
    }
}
