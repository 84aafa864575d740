using System.Threading.Channels;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// The live set of streams and the connection each one rides on. It starts from the startup plan and follows the
/// selected symbols: new streams go to connections with room (the least loaded first) or onto new connections,
/// removed ones are unsubscribed on their connection before they leave the store, and a connection left with
/// nothing is closed. No change moves a flowing stream, so no unaffected connection reconnects.
/// <para>
/// A stream that ever joined keeps its series' room for the rest of the run (see <see cref="StreamCapacity"/>), so a
/// symbol that leaves and comes back costs nothing more, and new streams past the capacity are deferred, not added:
/// they would otherwise show another stream's value in an overflow series.
/// </para>
/// </summary>
public sealed class StreamCatalog
{
    private readonly KlineStore _store;
    private readonly BinanceOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<ConnectionAssignment> _opened = Channel.CreateUnbounded<ConnectionAssignment>();
    private readonly HashSet<StreamId> _everHeld;
    private readonly int _capacity;
    private List<ConnectionAssignment> _assignments;
    private int _nextIndex;
    private int _deferred;

    public StreamCatalog(StreamPlan plan, KlineStore store, IOptions<BinanceOptions> options, StreamCapacity capacity)
    {
        _store = store;
        _options = options.Value;
        _capacity = capacity.Streams;
        _everHeld = [.. plan.Streams];
        // The catalog owns each connection's coverage: the store's slots and the connection's supervisor share it.
        _assignments = plan.Connections.Select(connection => new ConnectionAssignment(connection.Index, connection.Streams, new FeedCoverage())).ToList();
        store.Add(_assignments.Select(assignment => ((IEnumerable<StreamId>)assignment.Streams, assignment.Coverage)).ToList());
        _nextIndex = plan.Connections.Count;
        foreach (var assignment in _assignments)
        {
            _opened.Writer.TryWrite(assignment);
        }
    }

    /// <summary>Every connection to supervise, the startup ones first and then each one a change opens.</summary>
    public ChannelReader<ConnectionAssignment> Opened => _opened.Reader;

    /// <summary>The candles of the live set: the catalog adds and removes its streams.</summary>
    public KlineStore Store => _store;

    public IReadOnlyList<ConnectionAssignment> Assignments => Volatile.Read(ref _assignments);

    /// <summary>Selected streams left out of the last change because the run's capacity is used up.</summary>
    public int Deferred => Volatile.Read(ref _deferred);

    /// <summary>Makes the live set the streams of <paramref name="symbols"/> at the configured intervals.</summary>
    public async Task<CatalogChange> ApplyAsync(IEnumerable<string> symbols, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wanted = StreamPlanner.Expand(symbols, _options.Intervals);
            var wantedSet = wanted.ToHashSet();
            var assignments = _assignments;
            var current = assignments.SelectMany(assignment => assignment.Streams).ToHashSet();

            // Removals first: the room they free takes additions without a new connection.
            var removed = current.Where(stream => !wantedSet.Contains(stream)).ToHashSet();
            var closed = 0;
            if (removed.Count > 0)
            {
                var waits = new List<Task>();
                foreach (var assignment in assignments.Where(assignment => assignment.Streams.Any(removed.Contains)))
                {
                    assignment.Change([], removed);
                    waits.Add(WaitUntilUnsubscribedAsync(assignment, assignment.Version, cancellationToken));
                }

                // A frame for a stream still subscribed would otherwise count as an unknown stream.
                await Task.WhenAll(waits).ConfigureAwait(false);
                _store.Remove(removed);
                foreach (var empty in assignments.Where(assignment => assignment.Count == 0))
                {
                    empty.Close();
                    closed++;
                }

                assignments = [.. assignments.Where(assignment => assignment.Count > 0)];
            }

            var (added, deferred) = WithinCapacity(wanted.Where(stream => !current.Contains(stream)));
            Volatile.Write(ref _deferred, deferred);
            var (toExisting, toNew) = StreamPlanner.Place(assignments.Select(assignment => assignment.Count).ToList(), added, _options.MaxStreamsPerConnection);
            var opened = toNew.Select(streams => new ConnectionAssignment(_nextIndex++, streams, new FeedCoverage())).ToList();

            // In the store before any subscription, so the first update finds its slot; one change for all connections.
            _store.Add([
                .. assignments.Select((assignment, index) => ((IEnumerable<StreamId>)toExisting[index], assignment.Coverage)),
                .. opened.Select(assignment => ((IEnumerable<StreamId>)assignment.Streams, assignment.Coverage)),
            ]);
            for (var index = 0; index < assignments.Count; index++)
            {
                if (toExisting[index].Count > 0)
                {
                    assignments[index].Change(toExisting[index], new HashSet<StreamId>());
                }
            }

            Volatile.Write(ref _assignments, [.. assignments, .. opened]);
            foreach (var assignment in opened)
            {
                _opened.Writer.TryWrite(assignment);
            }

            return new CatalogChange(added.Count, removed.Count, opened.Count, closed, _store.Count, deferred);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Streams held before take no new room; new ones join in order while room is left.</summary>
    private (List<StreamId> Added, int Deferred) WithinCapacity(IEnumerable<StreamId> candidates)
    {
        var added = new List<StreamId>();
        var deferred = 0;
        foreach (var stream in candidates)
        {
            if (_everHeld.Contains(stream) || _everHeld.Count < _capacity && _everHeld.Add(stream))
            {
                added.Add(stream);
            }
            else
            {
                deferred++;
            }
        }

        return (added, deferred);
    }

    /// <summary>
    /// Until the live connection has applied the change (UNSUBSCRIBE acknowledged), it drops, or the wait for a reply
    /// would have timed out; a connection that is not live needs nothing, the next one subscribes the new set.
    /// </summary>
    private async Task WaitUntilUnsubscribedAsync(ConnectionAssignment assignment, int version, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.SubscribeTimeout * 2);
        try
        {
            while (true)
            {
                var changed = assignment.Changed;
                if (assignment.AppliedVersion is var applied && (applied < 0 || applied >= version) || assignment.Closed.IsCancellationRequested)
                {
                    return;
                }

                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The supervisor replaces a connection whose UNSUBSCRIBE goes unanswered; the new one carries the new set.
        }
    }
}

/// <summary>What one change of the selection did.</summary>
/// <param name="Deferred">Selected streams not added because the run's <see cref="StreamCapacity"/> is used up.</param>
public sealed record CatalogChange(int Added, int Removed, int ConnectionsOpened, int ConnectionsClosed, int Streams, int Deferred)
{
    public bool IsEmpty => Added == 0 && Removed == 0;
}
