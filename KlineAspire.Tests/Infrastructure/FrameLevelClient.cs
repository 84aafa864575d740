using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A WebSocket client written against the frame format itself (RFC 6455), for what ClientWebSocket hides: the
/// server's ping frames and their payloads, and exactly which pong goes back.
/// </summary>
public sealed class FrameLevelClient : IAsyncDisposable
{
    public const byte Text = 0x1;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private FrameLevelClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<FrameLevelClient> ConnectAsync(Uri baseUri, string path)
    {
        var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(RawWebSocketClient.Timeout);
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
        var client = new FrameLevelClient(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {path} HTTP/1.1\r\nHost: {baseUri.Host}:{baseUri.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + $"{key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var response = new StringBuilder();
        var one = new byte[1];
        while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await client._stream.ReadExactlyAsync(one, timeout.Token);
            response.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", response.ToString(), StringComparison.Ordinal);
        return client;
    }

    /// <summary>The next frame, or null when the server closed or reset the TCP connection.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var header = new byte[2];
            await _stream.ReadExactlyAsync(header, cts.Token);
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                var extended = new byte[2];
                await _stream.ReadExactlyAsync(extended, cts.Token);
                length = BinaryPrimitives.ReadUInt16BigEndian(extended);
            }
            else if (length == 127)
            {
                var extended = new byte[8];
                await _stream.ReadExactlyAsync(extended, cts.Token);
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
            }

            Assert.Equal(0, header[1] & 0x80); // Server frames are never masked.
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, cts.Token);
            return ((byte)(header[0] & 0x0F), payload);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or SocketException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No frame within {timeout}.");
        }
    }

    /// <summary>Sends one final, masked frame as a client must.</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload)
    {
        Assert.True(payload.Length < 126, "Only short frames are supported.");
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        var mask = RandomNumberGenerator.GetBytes(4);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(RawWebSocketClient.Timeout);
        await _stream.WriteAsync(frame, timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
