using System.Net.WebSockets;
using KlineAspire.Ingestor.Feed;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// The ingestor's connector with <see cref="SendAbortingWebSocket"/> around every socket it opens: a test arms it
/// for one control request (e.g. <c>LIST_SUBSCRIPTIONS</c>), and the next such request finds its socket aborted.
/// </summary>
internal sealed class SendAbortingConnector : WebSocketConnector
{
    private string? _armedFor;
    private int _fired;

    /// <summary>How many writes were aborted.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>The next control request with this method aborts its socket as it is written; then the fault disarms.</summary>
    public void Arm(string method) => Volatile.Write(ref _armedFor, method);

    public override async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken) =>
        new SendAbortingWebSocket(await base.ConnectAsync(uri, cancellationToken), this);

    internal bool TryFire(string message)
    {
        var method = Volatile.Read(ref _armedFor);
        if (method is null || !message.Contains($"\"method\":\"{method}\"", StringComparison.Ordinal)
            || Interlocked.CompareExchange(ref _armedFor, null, method) != method)
        {
            return false;
        }

        Interlocked.Increment(ref _fired);
        return true;
    }
}
