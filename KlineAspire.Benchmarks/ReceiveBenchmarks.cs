using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using KlineAspire.Ingestor.Feed;

namespace KlineAspire.Benchmarks;

/// <summary>
/// What the 1 MiB message cap costs on the receive path: the client socket reading server frames (one kline each)
/// from memory, directly and through <see cref="BoundedMessageWebSocket"/>, in 4 KiB chunks as Websocket.Client
/// reads them. One operation is one message.
/// </summary>
[MemoryDiagnoser]
public class ReceiveBenchmarks
{
    private const int Messages = 10_000;
    private readonly byte[] _chunk = new byte[4096];
    private byte[] _wire = [];

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var payload = KlineFrames.Utf8(KlineValues.For("BTCUSDT", "1m", 1, 1, now, now - now % 60_000), combined: true);
        using var wire = new MemoryStream();
        for (var i = 0; i < Messages; i++)
        {
            // Server frames are unmasked: FIN + text opcode, then a 16-bit length (payloads are 126..65535 bytes).
            wire.Write([0x81, 126, (byte)(payload.Length >> 8), (byte)payload.Length]);
            wire.Write(payload);
        }

        _wire = wire.ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public Task<int> Direct() => ReceiveAllAsync(Socket());

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task<int> Bounded() =>
        ReceiveAllAsync(new BoundedMessageWebSocket(Socket(), 1024 * 1024, _ => throw new InvalidOperationException("no message is over the cap")));

    // Writable only because the socket insists; nothing is sent.
    private WebSocket Socket() =>
        WebSocket.CreateFromStream(new MemoryStream(_wire, writable: true),
            new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });

    private async Task<int> ReceiveAllAsync(WebSocket socket)
    {
        var bytes = 0;
        for (var message = 0; message < Messages; message++)
        {
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(_chunk), CancellationToken.None);
                bytes += result.Count;
            }
            while (!result.EndOfMessage);
        }

        socket.Dispose();
        return bytes;
    }
}
