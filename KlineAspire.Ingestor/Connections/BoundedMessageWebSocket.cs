using System.Net.WebSockets;

namespace KlineAspire.Ingestor.Connections;

/// <summary>
/// Wraps the client socket to cap the size of one message. Websocket.Client buffers a whole message before handing
/// it over, so without a cap one endless message from a faulty or hostile peer would grow memory without bound.
/// Counting happens on the chunks as they are read; the message is abandoned, with a 1009 close, before it is whole.
/// </summary>
internal sealed class BoundedMessageWebSocket(WebSocket inner, int maxMessageBytes, Action<long> onTooLarge) : WebSocket
{
    private long _messageBytes;

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        await CountAsync(result.Count, result.EndOfMessage, result.MessageType).ConfigureAwait(false);
        return result;
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        await CountAsync(result.Count, result.EndOfMessage, result.MessageType).ConfigureAwait(false);
        return result;
    }

    private async ValueTask CountAsync(int count, bool endOfMessage, WebSocketMessageType type)
    {
        if (type == WebSocketMessageType.Close)
        {
            return;
        }

        var total = _messageBytes + count;
        _messageBytes = endOfMessage ? 0 : total;
        if (total <= maxMessageBytes)
        {
            return;
        }

        onTooLarge(total);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await inner.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"message over {maxMessageBytes} bytes", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The close frame is a courtesy; the socket is aborted either way.
        }

        inner.Abort();
        throw new WebSocketException(WebSocketError.Faulted, $"A message exceeded {maxMessageBytes} bytes; the connection was closed.");
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort() => inner.Abort();

    public override void Dispose() => inner.Dispose();
}
