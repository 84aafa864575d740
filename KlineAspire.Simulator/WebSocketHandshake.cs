using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace KlineAspire.Simulator;

/// <summary>
/// Load mode's handshake: completes RFC 6455 itself instead of through ASP.NET Core's WebSocket middleware, so the
/// server keeps the raw upgraded stream and writes pre-framed messages to it in large batches. (Only for load runs:
/// the runtime's ping/pong deadline did not fire on a socket built this way, so protocol runs use the middleware.)
/// </summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static async Task<(WebSocket Socket, Stream Raw)> AcceptRawAsync(HttpContext context, TimeSpan pingInterval, TimeSpan pongTimeout)
    {
        var key = context.Request.Headers.SecWebSocketKey.ToString();
        var upgrade = context.Features.Get<IHttpUpgradeFeature>()
            ?? throw new InvalidOperationException("The server does not support HTTP/1.1 upgrades.");
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        var raw = await upgrade.UpgradeAsync();
        var socket = WebSocket.CreateFromStream(raw, new WebSocketCreationOptions
        {
            IsServer = true,
            // Ping every interval and drop the client when no pong comes back in time, as Binance does.
            KeepAliveInterval = pingInterval,
            KeepAliveTimeout = pongTimeout,
        });
        return (socket, raw);
    }

    /// <summary>Writes an unmasked, final text frame header for a payload of the given length (server to client).</summary>
    public static int WriteTextFrameHeader(Span<byte> destination, int payloadLength)
    {
        destination[0] = 0x81;
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            destination[2] = (byte)(payloadLength >> 8);
            destination[3] = (byte)payloadLength;
            return 4;
        }

        destination[1] = 127;
        for (var i = 0; i < 8; i++)
        {
            destination[2 + i] = (byte)((long)payloadLength >> (8 * (7 - i)));
        }

        return 10;
    }
}
