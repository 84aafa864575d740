using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace KlineAspire.Simulator;

/// <summary>
/// Serves one WebSocket handshake and connection the way Binance does: handshake budget, initial streams from the
/// URL, pings with a pong deadline, the incoming message rate limit and the 24-hour cut.
/// </summary>
internal sealed class WebSocketSession(
    SimulatorOptions options,
    SimulatorFaults faults,
    ConnectionAttemptBudget attempts,
    SimulatorConnections connections,
    LimitViolations violations,
    ClientCloses closes,
    ControlMessageHandler controlMessages,
    TimeProvider time,
    ILogger<WebSocketSession> logger)
{
    private const int MaxIncomingMessageBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context, bool combined, IReadOnlyList<string> initialStreams)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Expected a WebSocket handshake.");
            return;
        }

        var admitted = attempts.TryAdmit();
        if (faults.RefuseHandshakesWith is int refusal)
        {
            context.Response.StatusCode = refusal;
            return;
        }

        if (!admitted)
        {
            logger.LogWarning("Refusing handshake: connection attempt budget of {Limit} per {Window} is spent", options.MaxConnectionAttempts,
                options.ConnectionAttemptWindow);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        if (initialStreams.Any(s => !StreamNames.IsValid(s)))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (initialStreams.Count > options.MaxStreamsPerConnection)
        {
            violations.RecordStreamLimit();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Too many streams in the URL.");
            return;
        }

        var (socket, raw) = options.LoadMode
            ? await WebSocketHandshake.AcceptRawAsync(context, options.PingInterval, options.PongTimeout)
            : (await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                // Ping every interval and drop the client when no pong comes back in time, as Binance does.
                KeepAliveInterval = options.PingInterval,
                KeepAliveTimeout = options.PongTimeout,
            }), null);
        using var owned = socket;
        var connection = connections.Register(context.Request.Path + context.Request.QueryString, combined, socket, raw, context);
        connection.Subscribe(initialStreams);
        logger.LogInformation("Connection {ConnectionId} opened on {Path} with {StreamCount} streams", connection.Id, connection.Path, initialStreams.Count);
        using var lifetime = new CancellationTokenSource();
        var cut = CloseAtLifetimeAsync(connection, lifetime.Token);
        try
        {
            await ReceiveLoopAsync(connection, context.RequestAborted);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            logger.LogInformation("Connection {ConnectionId} dropped: {Reason}", connection.Id, ex.Message);
        }
        finally
        {
            connections.Unregister(connection);
            await lifetime.CancelAsync();
            await cut;
            logger.LogInformation("Connection {ConnectionId} closed after {Received} messages received", connection.Id, connection.MessagesReceived);
        }
    }

    private async Task ReceiveLoopAsync(SimulatorConnection connection, CancellationToken aborted)
    {
        // Binance counts a connection's incoming messages over the last second.
        var rate = new SlidingWindowCount(TimeSpan.FromSeconds(1), time);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxIncomingMessageBytes);
        try
        {
            while (connection.Socket.State == WebSocketState.Open)
            {
                if (faults.SlowRead > TimeSpan.Zero)
                {
                    await Task.Delay(faults.SlowRead, aborted);
                }

                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == MaxIncomingMessageBytes)
                    {
                        await connection.CloseAsync(WebSocketCloseStatus.MessageTooBig, "Message too big");
                        return;
                    }

                    result = await connection.Socket.ReceiveAsync(buffer.AsMemory(length), aborted);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    closes.Record(connection.Id, connection.Socket.CloseStatus, connection.Socket.CloseStatusDescription);
                    await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty);
                    return;
                }

                connection.CountReceived();
                var now = time.GetTimestamp();
                rate.Add(now);
                var perSecond = rate.CountAt(now);
                violations.RecordIncomingRate(perSecond);
                if (perSecond > options.MaxIncomingMessagesPerSecond)
                {
                    violations.RecordRateLimit();
                    logger.LogWarning("Connection {ConnectionId} sent {Count} messages within a second; closing with 1008", connection.Id, perSecond);
                    await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Too many requests");
                    return;
                }

                // A half-dead server answers nothing at all, so a client's liveness probe must go unanswered too.
                if (result.MessageType == WebSocketMessageType.Text && controlMessages.Handle(connection, buffer.AsSpan(0, length)) is { } response
                    && !faults.StopSending)
                {
                    await connection.SendAsync(Encoding.UTF8.GetBytes(response));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CloseAtLifetimeAsync(SimulatorConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(options.MaxConnectionLifetime, time, cancellationToken);
            logger.LogInformation("Connection {ConnectionId} reached the {Lifetime} lifetime; cutting it", connection.Id, options.MaxConnectionLifetime);
            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "Connection lifetime reached");
        }
        catch (OperationCanceledException)
        {
        }
    }
}
