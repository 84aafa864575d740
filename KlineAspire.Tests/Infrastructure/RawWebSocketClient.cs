using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>One message as the client received it, reassembled from <see cref="Frames"/> receive calls.</summary>
public sealed record ReceivedMessage(string Text, WebSocketMessageType Type, int Frames)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;
}

/// <summary>How the connection ended for the client: a close handshake (status, description) or an error.</summary>
public sealed record ClientEnding(WebSocketCloseStatus? Status, string? Description, Exception? Error);

/// <summary>
/// A bare <see cref="ClientWebSocket"/> with an optional background receive loop feeding a channel, so reads can time
/// out without aborting the socket (cancelling a pending ClientWebSocket receive aborts it).
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ClientWebSocket _socket;
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly TaskCompletionSource<ClientEnding> _ending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiveLoop = Task.CompletedTask;
    private int _disposed;

    private RawWebSocketClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    /// <summary>Completes when the connection ends: close frame received, or a receive failed.</summary>
    public Task<ClientEnding> Ending => _ending.Task;

    /// <summary>Connects to <paramref name="pathAndQuery"/>; with <paramref name="receive"/> false nothing is ever read (so pings go unanswered).</summary>
    public static async Task<RawWebSocketClient> ConnectAsync(Uri baseUri, string pathAndQuery, bool receive = true,
        Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await socket.ConnectAsync(new Uri(baseUri, pathAndQuery), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new RawWebSocketClient(socket);
        if (receive)
        {
            client._receiveLoop = Task.Run(client.ReceiveLoopAsync);
        }

        return client;
    }

    /// <summary>Attempts a handshake that must fail and returns the HTTP status the server answered with.</summary>
    public static async Task<HttpStatusCode> ConnectExpectingRefusalAsync(Uri baseUri, string pathAndQuery)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(baseUri, pathAndQuery), timeout.Token));
        return socket.HttpStatusCode;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next message, failing after <paramref name="timeout"/> (default 5 s) or when the connection ended.</summary>
    public async Task<ReceivedMessage> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? Timeout);
        try
        {
            return await _messages.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No message within {timeout ?? Timeout}.");
        }
        catch (ChannelClosedException)
        {
            var ending = await Ending;
            throw new InvalidOperationException($"The connection ended before a message arrived: {ending}.");
        }
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null) => (await ReceiveAsync(timeout)).Text;

    /// <summary>Sends a request and returns the next message (tests that use this run without a feed).</summary>
    public async Task<string> RequestAsync(string json)
    {
        await SendAsync(json);
        return await ReceiveTextAsync();
    }

    /// <summary>Skips messages until one matches (e.g. a control response among feed data).</summary>
    public async Task<ReceivedMessage> ReceiveUntilAsync(Func<ReceivedMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("No matching message in time.");
            }

            var message = await ReceiveAsync(left);
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>Everything that arrives within <paramref name="duration"/>.</summary>
    public async Task<List<ReceivedMessage>> CollectAsync(TimeSpan duration)
    {
        var collected = new List<ReceivedMessage>();
        var deadline = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < deadline)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
            try
            {
                collected.Add(await _messages.Reader.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (ChannelClosedException)
            {
                break;
            }
        }

        return collected;
    }

    /// <summary>Asserts that nothing arrives for <paramref name="quiet"/>.</summary>
    public async Task ExpectSilenceAsync(TimeSpan quiet)
    {
        var unexpected = await CollectAsync(quiet);
        Assert.True(unexpected.Count == 0, $"Expected no message, got: {string.Join(" | ", unexpected.Select(m => m.Text))}");
    }

    public Task<ClientEnding> WaitForEndingAsync(TimeSpan? timeout = null) => Ending.WaitAsync(timeout ?? Timeout, TestContext.Current.CancellationToken);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                var frames = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    frames++;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _ending.TrySetResult(new ClientEnding(_socket.CloseStatus, _socket.CloseStatusDescription, null));
                        // Complete the close handshake the way a well-behaved client does.
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, timeout.Token);
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                _messages.Writer.TryWrite(new ReceivedMessage(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), result.MessageType,
                    frames));
            }
        }
        catch (Exception ex)
        {
            _ending.TrySetResult(new ClientEnding(null, null, ex));
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _socket.Abort();
        await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
