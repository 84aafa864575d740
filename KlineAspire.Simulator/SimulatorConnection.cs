using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace KlineAspire.Simulator;

/// <summary>One client WebSocket as the server sees it: its subscriptions, its mode and a serialised send path.</summary>
public sealed class SimulatorConnection
{
    private const byte NothingSent = 0;
    private const byte QuietUpdateSent = 1;

    // Subscribed stream names; the value tells whether a quiet stream had its one update on this subscription.
    private readonly ConcurrentDictionary<string, byte> _streams = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly HttpContext _context;
    private readonly Stream? _raw;
    private long _messagesReceived;

    internal SimulatorConnection(long id, string path, bool combined, WebSocket socket, Stream? raw, HttpContext context, DateTimeOffset openedAt)
    {
        _raw = raw;
        Id = id;
        Path = path;
        Combined = combined;
        Socket = socket;
        _context = context;
        OpenedAt = openedAt;
    }

    public long Id { get; }

    /// <summary>The request path and query the client connected to, e.g. <c>/stream</c> or <c>/ws/btcusdt@kline_1m</c>.</summary>
    public string Path { get; }

    /// <summary>Whether events are wrapped in the combined-stream envelope. <c>SET_PROPERTY combined</c> switches it.</summary>
    public bool Combined { get; internal set; }

    public DateTimeOffset OpenedAt { get; }

    public IReadOnlyCollection<string> Streams => _streams.Keys.ToArray();

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    internal WebSocket Socket { get; }

    internal bool IsSubscribedTo(string stream) => _streams.ContainsKey(stream);

    /// <summary>
    /// For a quiet stream: true the first time after the stream was subscribed, so the one update it gets goes out;
    /// false from then on.
    /// </summary>
    internal bool TryClaimQuietUpdate(string stream) => _streams.TryUpdate(stream, QuietUpdateSent, NothingSent);

    internal void Subscribe(IEnumerable<string> streams)
    {
        foreach (var stream in streams)
        {
            _streams.TryAdd(stream, NothingSent);
        }
    }

    internal void Unsubscribe(IEnumerable<string> streams)
    {
        foreach (var stream in streams)
        {
            _streams.TryRemove(stream, out _);
        }
    }

    internal void CountReceived() => Interlocked.Increment(ref _messagesReceived);

    /// <summary>Sends one message; false when the socket is gone, which callers treat as "client disconnected".</summary>
    internal Task<bool> SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type = WebSocketMessageType.Text) =>
        SendFragmentsAsync([message], type);

    /// <summary>Sends one message split into frames, holding the send path so no other message interleaves.</summary>
    internal async Task<bool> SendFragmentsAsync(IReadOnlyList<ReadOnlyMemory<byte>> fragments, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sendLock.WaitAsync();
        try
        {
            for (var i = 0; i < fragments.Count; i++)
            {
                await Socket.SendAsync(fragments[i], type, endOfMessage: i == fragments.Count - 1, CancellationToken.None);
            }

            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException
            or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Sends whole messages back to back as fast as the socket takes them (load mode): frames are built here and
    /// written to the upgraded stream in batches of up to 256 KiB instead of one write per message. The send lock keeps
    /// other sends out; the ping timer is the only other writer, so load runs use a long ping interval.
    /// </summary>
    internal async Task<long> SendBurstAsync(IReadOnlyList<ReadOnlyMemory<byte>> messages, int rounds, CancellationToken cancellationToken)
    {
        const int BatchBytes = 256 * 1024;
        long sent = 0;
        var batch = System.Buffers.ArrayPool<byte>.Shared.Rent(BatchBytes);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            var used = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var message in messages)
                {
                    if (used + message.Length + 10 > BatchBytes && used > 0)
                    {
                        await _raw!.WriteAsync(batch.AsMemory(0, used), cancellationToken);
                        used = 0;
                    }

                    if (_raw is null || message.Length + 10 > BatchBytes)
                    {
                        await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                    }
                    else
                    {
                        used += WebSocketHandshake.WriteTextFrameHeader(batch.AsSpan(used), message.Length);
                        message.Span.CopyTo(batch.AsSpan(used));
                        used += message.Length;
                    }

                    sent++;
                }
            }

            if (used > 0)
            {
                await _raw!.WriteAsync(batch.AsMemory(0, used), cancellationToken);
            }

            if (_raw is not null)
            {
                await _raw.FlushAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _sendLock.Release();
            System.Buffers.ArrayPool<byte>.Shared.Return(batch);
        }

        return sent;
    }

    internal async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseOutputAsync(status, description, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close handshake, like a network failure.</summary>
    internal void Abort()
    {
        Socket.Abort();
        try
        {
            _context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already finished: the connection is gone anyway.
        }
    }
}
