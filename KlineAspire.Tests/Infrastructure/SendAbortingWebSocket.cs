using System.Net.WebSockets;
using System.Text;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A client socket that, when armed, aborts itself as a text message starting with the armed prefix is written:
/// after the sender saw it open, before the bytes reach the wire, as a reset lands between the check and the write.
/// Everything else passes through.
/// </summary>
internal sealed class SendAbortingWebSocket(WebSocket inner, SendAbortingConnector fault) : WebSocket
{
    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        AbortIfArmed(buffer);
        return inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        AbortIfArmed(buffer);
        return inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags,
        CancellationToken cancellationToken)
    {
        AbortIfArmed(buffer);
        return inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort() => inner.Abort();

    public override void Dispose() => inner.Dispose();

    private void AbortIfArmed(ReadOnlyMemory<byte> buffer)
    {
        if (fault.TryFire(Encoding.UTF8.GetString(buffer.Span)))
        {
            inner.Abort();
        }
    }
}
