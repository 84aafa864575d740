using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// The streams one connection should carry now, which change at run time as listings do, and the
/// <see cref="FeedCoverage"/> they share. The <see cref="StreamCatalog"/> changes the set; the connection's supervisor
/// brings its live connection in line (UNSUBSCRIBE, then SUBSCRIBE, on the same socket) and every new connection
/// subscribes the set as it stands then. Closing the assignment stops its supervisor.
/// </summary>
public sealed class ConnectionAssignment
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closed = new();
    private IReadOnlyList<StreamId> _streams;
    private TaskCompletionSource _changed = NewSignal();
    private int _version;

    public ConnectionAssignment(int index, IReadOnlyList<StreamId> streams, FeedCoverage coverage)
    {
        Index = index;
        _streams = streams;
        Coverage = coverage;
    }

    public int Index { get; }

    public FeedCoverage Coverage { get; }

    /// <summary>The streams to carry, as an immutable list.</summary>
    public IReadOnlyList<StreamId> Streams
    {
        get
        {
            lock (_gate)
            {
                return _streams;
            }
        }
    }

    public int Count => Streams.Count;

    /// <summary>Increases with every change of <see cref="Streams"/>.</summary>
    public int Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>Completes at the next change of the set (or when the assignment closes).</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Cancelled when the assignment is closed: its connection has nothing left to carry.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>The version whose set the live connection carries (acknowledged by the server), or -1 while none is live.</summary>
    public int AppliedVersion { get; private set; } = -1;

    internal void Change(IEnumerable<StreamId> add, IReadOnlySet<StreamId> remove)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _streams = [.. _streams.Where(stream => !remove.Contains(stream)), .. add];
            _version++;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    internal void MarkApplied(int version)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            AppliedVersion = version;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    internal void Close()
    {
        _closed.Cancel();
        lock (_gate)
        {
            _changed.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
