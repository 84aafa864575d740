using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace KlineAspire.Simulator;

/// <summary>The open WebSocket connections, and what is done to all of them at once (broadcasts, closes, resets).</summary>
internal sealed class SimulatorConnections(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, SimulatorConnection> _open = new();
    private long _nextId;
    private int _peak;

    public int Count => _open.Count;

    /// <summary>The most connections that were open at the same time.</summary>
    public int Peak => Volatile.Read(ref _peak);

    public IEnumerable<SimulatorConnection> Open => _open.Values;

    public IReadOnlyList<SimulatorConnection> OrderedById => _open.Values.OrderBy(c => c.Id).ToList();

    /// <summary>The distinct streams subscribed across all open connections.</summary>
    public IReadOnlySet<string> SubscribedStreams => _open.Values.SelectMany(c => c.Streams).ToHashSet(StringComparer.Ordinal);

    public SimulatorConnection Register(string path, bool combined, WebSocket socket, Stream? raw, HttpContext context)
    {
        var connection = new SimulatorConnection(Interlocked.Increment(ref _nextId), path, combined, socket, raw, context, time.GetUtcNow());
        _open[connection.Id] = connection;
        MaxCounter.RaiseToAtLeast(ref _peak, _open.Count);
        return connection;
    }

    public void Unregister(SimulatorConnection connection) => _open.TryRemove(connection.Id, out _);

    public async Task SendToAllAsync(byte[] bytes, WebSocketMessageType type)
    {
        foreach (var connection in _open.Values)
        {
            await connection.SendAsync(bytes, type);
        }
    }

    /// <summary>Announces a shutdown the way Binance does; the server keeps the sockets open until clients leave.</summary>
    public async Task SendServerShutdownAsync()
    {
        var raw = $$"""{"e":"serverShutdown","E":{{time.GetUtcNow().ToUnixTimeMilliseconds()}}}""";
        var combined = StreamNames.Wrap("!serverShutdown", raw);
        foreach (var connection in _open.Values)
        {
            await connection.SendAsync(Encoding.UTF8.GetBytes(connection.Combined ? combined : raw));
        }
    }

    /// <summary>Resets every TCP connection without a close handshake.</summary>
    public void AbortAll()
    {
        foreach (var connection in _open.Values)
        {
            connection.Abort();
        }
    }

    public Task CloseAllAsync(WebSocketCloseStatus status, string description) =>
        Task.WhenAll(_open.Values.Select(c => c.CloseAsync(status, description)));
}
