using System.Net;
using System.Net.Sockets;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy that accepts every connection at once and forwards it to the upstream only after a delay: the
/// client's WebSocket handshake request waits, so the handshake is answered that much later, as from a distant or
/// overloaded server.
/// </summary>
public sealed class DelayingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Uri _upstream;
    private readonly TimeSpan _delay;
    private readonly Task _accepting;
    private int _accepted;

    public DelayingTcpProxy(Uri upstream, TimeSpan delay)
    {
        _upstream = upstream;
        _delay = delay;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's address with the upstream's scheme, e.g. <c>ws://127.0.0.1:port/</c>.</summary>
    public Uri Address => new UriBuilder(_upstream) { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.Uri;

    /// <summary>TCP connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                Interlocked.Increment(ref _accepted);
                connections.Add(ForwardAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }

        await Task.WhenAll(connections);
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await Task.Delay(_delay, _stopping.Token);
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stopping.Token);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                var toUpstream = PumpAsync(client.GetStream(), upstream.GetStream(), either.Token);
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), either.Token);
                // Either side closing ends the pair.
                await Task.WhenAny(toUpstream, toClient);
                await either.CancelAsync();
                await Task.WhenAll(toUpstream, toClient);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client gave up, or the proxy is stopping.
            }
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // One side went away: the pair ends.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }
}
