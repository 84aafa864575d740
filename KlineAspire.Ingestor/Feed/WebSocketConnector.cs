using System.Net.WebSockets;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Opens the socket of one stream connection. <see cref="BinanceConnection"/> hands the result to Websocket.Client,
/// whose token ends the handshake after <c>Binance:ConnectTimeout</c>. Replaceable through DI, so that a test can put
/// a socket of its own between the client and the wire.
/// </summary>
internal class WebSocketConnector
{
    public virtual async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // Unsolicited pongs count against Binance's 5 messages/s and do not keep the connection alive;
        // the socket still answers the server's pings.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }
}
