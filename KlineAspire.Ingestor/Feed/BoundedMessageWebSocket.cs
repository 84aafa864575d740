using System.Net.WebSockets;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Wraps the client socket to cap the size of one message. Websocket.Client buffers a whole message before handing
/// it over, so without a cap one endless message from a faulty or hostile peer would grow memory without bound.
/// Counting happens on the chunks as they are read; the message is abandoned, with a 1009 close, before it is whole.
/// </summary>
internal sealed class BoundedMessageWebSocket(WebSocket inner, int maxMessageBytes, Action<long> onTooLarge) : WebSocket
{
    private long _messageBytes;
    private long _rejectedAt;

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var receive = inner.ReceiveAsync(buffer, cancellationToken);
        // A chunk already buffered completes synchronously: count it without the cost of an async wrapper.
        return receive.IsCompletedSuccessfully && Fits(receive.Result.Count, receive.Result.EndOfMessage, receive.Result.MessageType)
            ? receive
            : ReceiveSlowlyAsync(receive);
    }

    private async Task<WebSocketReceiveResult> ReceiveSlowlyAsync(Task<WebSocketReceiveResult> receive)
    {
        var result = await receive.ConfigureAwait(false);
        if (!receive.IsCompletedSuccessfully || !Fits(result.Count, result.EndOfMessage, result.MessageType))
        {
            await RejectAsync().ConfigureAwait(false);
        }

        return result;
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (!Fits(result.Count, result.EndOfMessage, result.MessageType))
        {
            await RejectAsync().ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Adds a chunk to the current message; false once the message is over the cap.</summary>
    private bool Fits(int count, bool endOfMessage, WebSocketMessageType type)
    {
        if (type == WebSocketMessageType.Close)
        {
            return true;
        }

        var total = _messageBytes + count;
        _messageBytes = endOfMessage ? 0 : total;
        if (total <= maxMessageBytes)
        {
            return true;
        }

        _rejectedAt = total;
        return false;
    }

    private async Task RejectAsync()
    {
        onTooLarge(_rejectedAt);
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

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage,
        CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags,
        CancellationToken cancellationToken) =>
        inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort() => inner.Abort();

    public override void Dispose() => inner.Dispose();
}
