using System.Net.WebSockets;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Pacing;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Subscriptions;
using Websocket.Client;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// One WebSocket connection to the combined-stream endpoint carrying one <see cref="ConnectionAssignment"/>: it opens the
/// socket, hands every frame to the processor inline (the handler is fast and never throws, so the receive loop,
/// and with it the automatic pong, never stalls), and routes replies to its <see cref="RequestTracker"/>.
/// Subscribing and probing are the <see cref="StreamSubscriber"/>'s; reconnection is the
/// <see cref="ConnectionSupervisor"/>'s: a connection is used once and then disposed.
/// </summary>
internal sealed class BinanceConnection : IDisposable
{
    private readonly Uri _uri;
    private readonly BinanceOptions _options;
    private readonly KlineFrameProcessor _processor;
    private readonly IngestorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WebSocketConnector _connector;
    private readonly InvalidFrameLog _invalidFrameLog;
    private readonly RequestTracker _requests = new();
    private readonly TaskCompletionSource<DisconnectReason> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly WebsocketClient _client;
    private long _lastMessageAt;
    private long _openedAt;
    private long _droppedAtUnixMs;
    private int _opened;
    private HashSet<StreamId> _subscribed = [];
    private int _disposed;

    public BinanceConnection(ConnectionAssignment assignment, string name, Uri uri, BinanceOptions options, KlineFrameProcessor processor,
        IngestorMetrics metrics, ILogger logger, TimeProvider time, WebSocketConnector connector)
    {
        Assignment = assignment;
        _uri = uri;
        _options = options;
        _processor = processor;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _connector = connector;
        Name = name;
        _invalidFrameLog = new InvalidFrameLog(logger, time, name);
        _client = new WebsocketClient(uri, null, ConnectAsync)
        {
            Name = name,
            // The supervisor owns reconnection: backoff, the attempt budget and rotation are decided there.
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            IsTextMessageConversionEnabled = false,
            // The client cancels the handshake after its own timeout (5 s unless told), whatever ours says.
            ConnectTimeout = options.ConnectTimeout,
        };
        // A little over a second: the server's clock and ours do not agree on where a second starts.
        var sendLimiter = new SlidingWindowLimiter(options.MaxMessagesPerSecond, TimeSpan.FromMilliseconds(1100), time);
        Subscriber = new StreamSubscriber(SendAsync, _ended.Task, _requests, sendLimiter, options, time);
    }

    public string Name { get; }

    public ConnectionAssignment Assignment { get; }

    /// <summary>The streams the server acknowledged on this connection: what LIST_SUBSCRIPTIONS should list.</summary>
    public IReadOnlyCollection<StreamId> Subscribed => _subscribed;

    public StreamSubscriber Subscriber { get; }

    /// <summary>Completes with a <see cref="DisconnectReason"/> when the connection is lost or the server announces shutdown.</summary>
    public Task<DisconnectReason> Ended => _ended.Task;

    /// <summary>When the socket went away under us (Unix ms), or null while it is up or was closed by us.</summary>
    public long? DroppedAtUnixMs => Volatile.Read(ref _droppedAtUnixMs) is var at && at != 0 ? at : null;

    public TimeSpan Age => _openedAt == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_openedAt);

    public TimeSpan SinceLastMessage => _time.GetElapsedTime(Volatile.Read(ref _lastMessageAt));

    /// <summary>Opens the socket (the handshake bounded by <see cref="BinanceOptions.ConnectTimeout"/>); throws when it fails.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(_client.MessageReceived.Subscribe(OnMessage));
        _subscriptions.Add(_client.DisconnectionHappened.Subscribe(_ => OnDropped()));

        try
        {
            await _client.StartOrFail().WaitAsync(_options.ConnectTimeout + TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && exception is TimeoutException or { InnerException: OperationCanceledException })
        {
            // Websocket.Client reports its own deadline as "The operation was canceled": say which deadline it was.
            throw new TimeoutException($"no WebSocket handshake within {_options.ConnectTimeout} (Binance:ConnectTimeout)");
        }

        Volatile.Write(ref _lastMessageAt, _time.GetTimestamp());
        _openedAt = _time.GetTimestamp();
        Interlocked.Exchange(ref _opened, 1);
        _metrics.ConnectionOpened();
        Log.Connected(_logger, Name, _uri, Assignment.Count);
    }

    /// <summary>
    /// Subscribes the assignment's streams as they stand now (a reconnect or rotation carries the current set);
    /// returns the requests sent and the assignment version subscribed. Throws when Binance refuses, does not
    /// answer, or the connection drops.
    /// </summary>
    public async Task<(int Requests, int Version)> SubscribeAsync(CancellationToken cancellationToken)
    {
        var version = Assignment.Version;
        var streams = Assignment.Streams;
        var requests = await Subscriber.SubscribeAsync(streams, cancellationToken).ConfigureAwait(false);
        SetSubscribed([.. streams]);
        Log.Subscribed(_logger, Name, streams.Count, requests);
        return (requests, version);
    }

    /// <summary>
    /// Brings the live connection in line with the assignment: UNSUBSCRIBE what left it first (so a full connection
    /// never goes over the stream limit), then SUBSCRIBE what joined, on this socket, within the send limiter.
    /// Returns the version applied. Throws like <see cref="SubscribeAsync"/>.
    /// </summary>
    public async Task<int> ApplyChangesAsync(CancellationToken cancellationToken)
    {
        var version = Assignment.Version;
        var wanted = Assignment.Streams.ToHashSet();
        var leaving = _subscribed.Where(stream => !wanted.Contains(stream)).ToList();
        var joining = wanted.Where(stream => !_subscribed.Contains(stream)).ToList();
        if (leaving.Count > 0)
        {
            await Subscriber.UnsubscribeAsync(leaving, cancellationToken).ConfigureAwait(false);
            SetSubscribed([.. _subscribed.Where(wanted.Contains)]);
        }

        if (joining.Count > 0)
        {
            await Subscriber.SubscribeAsync(joining, cancellationToken).ConfigureAwait(false);
            SetSubscribed([.. _subscribed, .. joining]);
        }

        Log.Changed(_logger, Name, joining.Count, leaving.Count, _subscribed.Count);
        return version;
    }

    private void SetSubscribed(HashSet<StreamId> streams)
    {
        _metrics.StreamsSubscribed(streams.Count - _subscribed.Count);
        _subscribed = streams;
    }

    private async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken) =>
        new BoundedMessageWebSocket(await _connector.ConnectAsync(uri, cancellationToken).ConfigureAwait(false), _options.MaxMessageBytes, OnTooLarge);

    /// <summary>
    /// Sends a control request. A socket that fails the write (aborted after the caller last saw it open, reset by the
    /// peer, disposed) is a lost connection, dated now unless the receive loop noticed the drop first.
    /// </summary>
    private async Task SendAsync(string request)
    {
        try
        {
            await _client.SendInstant(request).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException
            or OperationCanceledException)
        {
            OnDropped();
            throw new ConnectionLostException(exception.Message);
        }
    }

    private void OnTooLarge(long bytes)
    {
        _metrics.InvalidFrame(InvalidFrameReason.TooLarge);
        Log.MessageTooLarge(_logger, Name, bytes, _options.MaxMessageBytes);
        _ended.TrySetResult(DisconnectReason.MessageTooLarge);
    }

    private void OnDropped()
    {
        Interlocked.CompareExchange(ref _droppedAtUnixMs, _time.GetUtcNow().ToUnixTimeMilliseconds(), 0);
        _ended.TrySetResult(DisconnectReason.Lost);
    }

    private void OnMessage(ResponseMessage message)
    {
        try
        {
            Volatile.Write(ref _lastMessageAt, _time.GetTimestamp());
            // With text conversion off, Websocket.Client reports text frames as binary, so the type says nothing:
            // every frame is parsed as UTF-8 JSON and a real binary frame ends up counted as invalid JSON.
            Handle(message.Binary ?? []);
        }
        catch (Exception exception)
        {
            // Throwing here would make the client drop the connection; one bad frame must not cost the others.
            Log.HandlerFailed(_logger, Name, exception);
        }
    }

    private void Handle(ReadOnlySpan<byte> bytes)
    {
        var frame = default(ParsedFrame);
        switch (_processor.Process(bytes, ref frame))
        {
            case FrameKind.Response:
                if (frame.HasError)
                {
                    _metrics.InvalidFrame(InvalidFrameReason.ErrorResponse);
                    _invalidFrameLog.ReportErrorResponse(frame.HasResponseId ? frame.ResponseId : null, frame.ErrorCode,
                        System.Text.Encoding.UTF8.GetString(frame.ErrorMessage), bytes);
                }

                _requests.TryComplete(ref frame, bytes);
                break;
            case FrameKind.ServerShutdown:
                Log.ServerShutdown(_logger, Name);
                _ended.TrySetResult(DisconnectReason.ServerShutdown);
                break;
            case FrameKind.Invalid:
                _invalidFrameLog.Report(frame.Reason, frame.Detail, bytes);
                break;
        }
    }

    /// <summary>Closes with a close handshake (bounded in time), then releases the connection.</summary>
    public async Task CloseAsync(string description)
    {
        if (_client.IsRunning)
        {
            try
            {
                await _client.Stop(WebSocketCloseStatus.NormalClosure, description).WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The peer is already gone or too slow to answer; disposing aborts the socket either way.
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        if (Interlocked.Exchange(ref _opened, 0) == 1)
        {
            _metrics.ConnectionClosed();
            _metrics.StreamsSubscribed(-_subscribed.Count);
        }

        _client.Dispose();
        _ended.TrySetResult(DisconnectReason.Lost);
        _requests.CancelAll();
    }
}
