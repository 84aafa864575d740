using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace KlineAspire.Simulator;

/// <summary>A close frame a client sent: whether it said goodbye, and how.</summary>
public sealed record ClientClose(long ConnectionId, WebSocketCloseStatus? Status, string? Description);

/// <summary>
/// The close frames clients sent, kept after their connections are gone, so a test can tell a clean goodbye from a
/// connection that was simply dropped.
/// </summary>
public sealed class ClientCloses
{
    private readonly ConcurrentQueue<ClientClose> _received = new();

    public IReadOnlyList<ClientClose> Received => [.. _received];

    internal void Record(long connectionId, WebSocketCloseStatus? status, string? description) =>
        _received.Enqueue(new ClientClose(connectionId, status, description));
}
