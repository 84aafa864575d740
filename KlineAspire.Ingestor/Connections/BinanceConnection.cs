using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Streams;
using KlineAspire.Ingestor.Telemetry;
using Websocket.Client;

namespace KlineAspire.Ingestor.Connections;

/// <summary>
/// One WebSocket connection to the combined-stream endpoint carrying one <see cref="ConnectionPlan"/>.
/// It connects, subscribes within the message-rate limit, and hands every frame to the processor inline
/// (the handler is fast and never throws, so the receive loop, and with it the automatic pong, never stalls).
/// Reconnection is the <see cref="ConnectionSupervisor"/>'s job: a connection is used once and then disposed.
/// </summary>
internal sealed class BinanceConnection : IDisposable
{
    private readonly ConnectionPlan _plan;
    private readonly Uri _uri;
    private readonly BinanceOptions _options;
    private readonly KlineFrameProcessor _processor;
    private readonly IngestorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SlidingWindowLimiter _sendLimiter;
    private readonly InvalidFrameLog _invalidFrameLog;
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _pendingRequests = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _subscriptions = [];
    private WebsocketClient? _client;
    private long _nextRequestId;
    private long _lastMessageAt;
    private long _openedAt;
    private int _opened;
    private int _subscribedStreams;
    private int _disposed;

    public BinanceConnection(ConnectionPlan plan, string name, Uri uri, BinanceOptions options, KlineFrameProcessor processor,
        IngestorMetrics metrics, ILogger logger, TimeProvider time)
    {
        _plan = plan;
        _uri = uri;
        _options = options;
        _processor = processor;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        Name = name;
        // A little over a second: the server's clock and ours do not agree on where a second starts.
        _sendLimiter = new SlidingWindowLimiter(options.MaxMessagesPerSecond, TimeSpan.FromMilliseconds(1100), time);
        _invalidFrameLog = new InvalidFrameLog(logger, time, name);
    }

    public string Name { get; }

    /// <summary>Completes with a <see cref="DisconnectReason"/> when the connection is lost or the server announces shutdown.</summary>
    public Task<string> Ended => _ended.Task;

    public TimeSpan Age => _openedAt == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_openedAt);

    public TimeSpan SinceLastMessage => _time.GetElapsedTime(Volatile.Read(ref _lastMessageAt));

    /// <summary>Connects and subscribes every stream of the plan; throws when either fails.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var client = new WebsocketClient(_uri, CreateSocket)
        {
            Name = Name,
            // The supervisor owns reconnection: backoff, the attempt budget and rotation are decided there.
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            IsTextMessageConversionEnabled = false,
            ConnectTimeout = _options.ConnectTimeout,
        };
        _client = client;
        _subscriptions.Add(client.MessageReceived.Subscribe(OnMessage));
        _subscriptions.Add(client.DisconnectionHappened.Subscribe(info => _ended.TrySetResult(DisconnectReason.Lost)));

        await client.StartOrFail().WaitAsync(_options.ConnectTimeout + TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _lastMessageAt, _time.GetTimestamp());
        _openedAt = _time.GetTimestamp();
        Interlocked.Exchange(ref _opened, 1);
        _metrics.ConnectionOpened();
        Log.Connected(_logger, Name, _uri, _plan.Streams.Count);

        await SubscribeAsync(client, cancellationToken).ConfigureAwait(false);
    }

    private static ClientWebSocket CreateSocket()
    {
        var socket = new ClientWebSocket();
        // Unsolicited pongs count against Binance's 5 messages/s and do not keep the connection alive;
        // the socket still answers the server's pings.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        return socket;
    }

    private async Task SubscribeAsync(WebsocketClient client, CancellationToken cancellationToken)
    {
        using var activity = IngestorTelemetry.ActivitySource.StartActivity("binance.subscribe");
        activity?.SetTag("kline.connection", Name);
        activity?.SetTag("kline.streams", _plan.Streams.Count);

        var acknowledgements = new List<Task>();
        foreach (var batch in _plan.Streams.Chunk(_options.SubscribeBatchSize))
        {
            await _sendLimiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
            var id = Interlocked.Increment(ref _nextRequestId);
            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingRequests[id] = acknowledged;
            acknowledgements.Add(acknowledged.Task);
            await client.SendInstant(SubscribeRequest(id, batch)).ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(acknowledgements).WaitAsync(_options.SubscribeTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new SubscribeFailedException($"no acknowledgement of {acknowledgements.Count(task => !task.IsCompleted)} of {acknowledgements.Count} SUBSCRIBE requests within {_options.SubscribeTimeout}");
        }

        _subscribedStreams = _plan.Streams.Count;
        _metrics.StreamsSubscribed(_subscribedStreams);
        Log.Subscribed(_logger, Name, _plan.Streams.Count, acknowledgements.Count);
    }

    private static string SubscribeRequest(long id, StreamId[] streams) =>
        JsonSerializer.Serialize(new SubscribeMessage("SUBSCRIBE", streams.Select(stream => stream.Name).ToArray(), id), SubscribeMessageContext.Default.SubscribeMessage);

    private void OnMessage(ResponseMessage message)
    {
        try
        {
            Volatile.Write(ref _lastMessageAt, _time.GetTimestamp());
            // With text conversion off, Websocket.Client reports text frames as binary, so the type says nothing:
            // every frame is parsed as UTF-8 JSON and a real binary frame ends up counted as invalid JSON.
            var bytes = message.Binary ?? (message.Text is { } text ? Encoding.UTF8.GetBytes(text) : []);
            Handle(bytes);
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
                CompleteRequest(ref frame);
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

    private void CompleteRequest(ref ParsedFrame frame)
    {
        if (!frame.HasResponseId || !_pendingRequests.TryRemove(frame.ResponseId, out var request))
        {
            if (frame.HasError)
            {
                _metrics.InvalidFrame("error_response");
                Log.ErrorResponse(_logger, Name, frame.ResponseId, frame.ErrorCode, Encoding.UTF8.GetString(frame.ErrorMessage));
            }

            return;
        }

        if (frame.HasError)
        {
            var message = Encoding.UTF8.GetString(frame.ErrorMessage);
            _metrics.InvalidFrame("error_response");
            Log.ErrorResponse(_logger, Name, frame.ResponseId, frame.ErrorCode, message);
            request.TrySetException(new SubscribeFailedException($"Binance refused request {frame.ResponseId}: error {frame.ErrorCode} {message}"));
        }
        else
        {
            request.TrySetResult();
        }
    }

    /// <summary>Closes with a close handshake (bounded in time), then releases the connection.</summary>
    public async Task CloseAsync(string description)
    {
        if (_client is { IsRunning: true } client)
        {
            try
            {
                await client.Stop(WebSocketCloseStatus.NormalClosure, description).WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or WebSocketException or ObjectDisposedException)
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
            _metrics.StreamsSubscribed(-_subscribedStreams);
        }

        _client?.Dispose();
        _ended.TrySetResult(DisconnectReason.Lost);
        foreach (var request in _pendingRequests.Values)
        {
            request.TrySetCanceled();
        }
    }
}
