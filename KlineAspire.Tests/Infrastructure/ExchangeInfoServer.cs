using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP/1.1 server that answers every request with an exchangeInfo body, or breaks off in the middle of it
/// the way a failing network or proxy does: headers and a declared length, part of the body, then a reset or silence.
/// Written on a raw socket because a real HTTP server would finish or abort the response on its own terms.
/// </summary>
public sealed class ExchangeInfoServer : IAsyncDisposable
{
    // Long enough that the client has read the headers and is inside the body when the reset arrives.
    private static readonly TimeSpan BeforeReset = TimeSpan.FromMilliseconds(500);

    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;
    private volatile string _body;
    private volatile Answer _answer = Answer.Complete;

    private ExchangeInfoServer(TcpListener listener, string body)
    {
        _listener = listener;
        _body = body;
        _accepting = AcceptAsync();
    }

    public enum Answer
    {
        /// <summary>The whole body.</summary>
        Complete,

        /// <summary>Headers with the full Content-Length and half the body, then a TCP reset.</summary>
        ResetMidBody,

        /// <summary>Headers with the full Content-Length and half the body, then nothing, with the connection left open.</summary>
        StallMidBody,
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Requests received so far, whatever was answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How the next requests are answered.</summary>
    public Answer Next
    {
        get => _answer;
        set => _answer = value;
    }

    /// <summary>The body of a complete answer (and the part sent of a broken one).</summary>
    public string Body
    {
        get => _body;
        set => _body = value;
    }

    public static ExchangeInfoServer Start(params string[] tradingSymbols)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new ExchangeInfoServer(listener, Listing(tradingSymbols));
    }

    /// <summary>An exchangeInfo document listing the symbols as TRADING.</summary>
    public static string Listing(params string[] tradingSymbols) =>
        $$"""{"timezone":"UTC","serverTime":0,"symbols":[{{string.Join(',', tradingSymbols.Select(s => $$"""{"symbol":"{{s}}","status":"TRADING"}"""))}}]}""";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            while (await ReadRequestHeadAsync(stream))
            {
                Interlocked.Increment(ref _requests);
                var answer = _answer;
                var body = Encoding.UTF8.GetBytes(_body);
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                if (answer == Answer.Complete)
                {
                    await stream.WriteAsync(body, _stop.Token);
                    continue;
                }

                await stream.WriteAsync(body.AsMemory(0, body.Length / 2), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                if (answer == Answer.StallMidBody)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                await Task.Delay(BeforeReset, _stop.Token);
                // Linger 0: close sends RST instead of FIN, as a dropped connection does.
                client.Client.LingerState = new LingerOption(true, 0);
                return;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException)
        {
            // The client gave up (its deadline), or the server is stopping.
        }
    }

    /// <summary>Reads one request head (the ingestor sends GET without a body); false when the client closed the connection.</summary>
    private async Task<bool> ReadRequestHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[1];
        var matched = 0;
        while (matched < EndOfHead.Length)
        {
            if (await stream.ReadAsync(buffer, _stop.Token) == 0)
            {
                return false;
            }

            matched = buffer[0] == EndOfHead[matched] ? matched + 1 : buffer[0] == EndOfHead[0] ? 1 : 0;
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
