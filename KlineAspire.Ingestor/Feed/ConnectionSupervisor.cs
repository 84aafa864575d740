using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Pacing;
using KlineAspire.Ingestor.Subscriptions;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Keeps one <see cref="ConnectionAssignment"/> connected until it is closed: connects within the shared
/// attempt budget, backs off with jitter after failures, proves a silent connection alive with LIST_SUBSCRIPTIONS
/// (quiet markets are silent too) and replaces it only when that fails, and replaces a connection before
/// Binance's 24-hour cut or when the server announces shutdown, opening the new one before closing the old.
/// It tells the assignment's <see cref="FeedCoverage"/> when its streams are delivered and when they are not. When
/// the assignment changes, the live connection subscribes and unsubscribes in place: it is never replaced for that.
/// </summary>
internal sealed class ConnectionSupervisor(
    ConnectionAssignment assignment,
    BinanceOptions options,
    SlidingWindowLimiter attemptBudget,
    KlineFrameProcessor processor,
    IngestorMetrics metrics,
    ConnectionOutageLog outageLog,
    WebSocketConnector connector,
    ILogger logger,
    TimeProvider time)
{
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(1);

    // A connection that stayed up this long proves the endpoint works again, so the next failure starts over.
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly Uri _uri = EndpointUri.CombinedStream(options.Endpoint);
    private readonly JitteredBackoff _backoff = new(options.ReconnectBaseDelay, options.ReconnectMaxDelay, Random.Shared);
    private readonly FeedCoverage _coverage = assignment.Coverage;
    private int _generation;

    /// <summary>The index of the supervised assignment, as in its connections' names (<c>c{index}.{generation}</c>).</summary>
    public int ConnectionIndex => assignment.Index;

    public ConnectionAssignment Assignment => assignment;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        (BinanceConnection Connection, ConnectionTrace Trace)? current = null, retiring = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var connection = new BinanceConnection(assignment, $"c{assignment.Index}.{++_generation}", _uri, options, processor, metrics, logger, time,
                    connector);
                var trace = new ConnectionTrace(connection.Name, assignment.Count, _uri);
                if (!await TryOpenAsync(connection, trace, cancellationToken).ConfigureAwait(false))
                {
                    NoticeRetiringDrop(ref retiring);
                    continue;
                }

                NoticeRetiringDrop(ref retiring);
                _coverage.MarkCovered();
                current = (connection, trace);
                if (retiring is { } old)
                {
                    await RetireAsync(old, connection.Name).ConfigureAwait(false);
                    retiring = null;
                }

                var reason = await WatchAsync(connection, trace, cancellationToken).ConfigureAwait(false);
                // Until the next connection has subscribed, nothing carries the assignment's streams to unsubscribe.
                assignment.MarkApplied(-1);
                metrics.Reconnect(reason.ToLabel());
                current = null;

                if (reason is DisconnectReason.Rotation or DisconnectReason.ServerShutdown)
                {
                    // Keep delivering updates on the old connection until the new one has subscribed.
                    Log.Rotating(logger, connection.Name, reason.ToLabel(), connection.Age);
                    trace.Event("binance.rotate", reason.ToLabel(), ("kline.connection.age_seconds", connection.Age.TotalSeconds));
                    retiring = (connection, trace);
                    continue;
                }

                _coverage.MarkLost(LostAt(connection, reason));
                if (connection.Age >= StableAfter)
                {
                    _backoff.Reset();
                }

                var delay = _backoff.Next();
                Log.Disconnected(logger, connection.Name, reason.ToLabel(), connection.Age, delay);
                await BackOffAsync(connection, trace, reason, delay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down, or the assignment was closed: it carries nothing any more.
            if (assignment.Closed.IsCancellationRequested && current is { } emptied)
            {
                Log.Emptied(logger, emptied.Connection.Name);
            }
        }
        finally
        {
            outageLog.Ended(ConnectionIndex);
            assignment.MarkApplied(-1);
            // Shutdown closes every live connection with a close frame, so the server sees a clean goodbye and no
            // frame lands in a store that is being torn down.
            await CloseOnShutdownAsync(current).ConfigureAwait(false);
            await CloseOnShutdownAsync(retiring).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When the feed was lost: when the socket dropped, or, for a connection that went silent and then failed its
    /// probe, when it last delivered anything; the probe only found out later. Closed candles ending in between are
    /// then known to have been missed rather than published with stale values.
    /// </summary>
    private long LostAt(BinanceConnection connection, DisconnectReason reason)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return connection.DroppedAtUnixMs
            ?? (reason == DisconnectReason.ProbeFailed ? now - (long)connection.SinceLastMessage.TotalMilliseconds : now);
    }

    private async Task CloseOnShutdownAsync((BinanceConnection Connection, ConnectionTrace Trace)? live)
    {
        if (live is not var (connection, trace))
        {
            return;
        }

        await EndAsync(connection, trace, DisconnectReason.Shutdown, error: false).ConfigureAwait(false);
        Log.ClosedOnShutdown(logger, connection.Name);
    }

    /// <summary>
    /// Gives up on a connection that failed: the reconnect decision becomes a span, the connection is closed and its
    /// lifetime span ends with the reason, and the next attempt waits out the backoff.
    /// </summary>
    private async Task BackOffAsync(BinanceConnection connection, ConnectionTrace trace, DisconnectReason reason, TimeSpan delay,
        CancellationToken cancellationToken)
    {
        trace.Event("binance.reconnect", reason.ToLabel(), ("kline.reconnect.delay_seconds", delay.TotalSeconds),
            ("kline.connection.age_seconds", connection.Age.TotalSeconds));
        await EndAsync(connection, trace, reason, error: true).ConfigureAwait(false);
        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes a connection with a close frame and ends its lifetime span with the reason.</summary>
    private static async Task EndAsync(BinanceConnection connection, ConnectionTrace trace, DisconnectReason reason, bool error)
    {
        await connection.CloseAsync(reason.ToLabel()).ConfigureAwait(false);
        trace.End(reason, error);
        trace.Dispose();
    }

    /// <summary>A connection being replaced that the server already dropped no longer delivers anything.</summary>
    private void NoticeRetiringDrop(ref (BinanceConnection Connection, ConnectionTrace Trace)? retiring)
    {
        if (retiring is { Connection.DroppedAtUnixMs: { } droppedAt } dropped)
        {
            _coverage.MarkLost(droppedAt);
            dropped.Trace.End(DisconnectReason.Lost, error: false);
            dropped.Connection.Dispose();
            dropped.Trace.Dispose();
            retiring = null;
        }
    }

    private async Task RetireAsync((BinanceConnection Connection, ConnectionTrace Trace) old, string replacement)
    {
        await old.Connection.CloseAsync("replaced").ConfigureAwait(false);
        Log.Retired(logger, old.Connection.Name);
        old.Trace.End(DisconnectReason.Rotation, error: false);
        old.Trace.Dispose();
        using var step = old.Trace.Step("binance.retire");
        ConnectionTrace.Complete(step, "replaced", error: false, ("kline.connection.replacement", replacement));
    }

    private async Task<bool> TryOpenAsync(BinanceConnection connection, ConnectionTrace trace, CancellationToken cancellationToken)
    {
        var step = trace.Step("binance.connect");
        try
        {
            await attemptBudget.AcquireAsync(cancellationToken).ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            ConnectionTrace.Complete(step, "connected", error: false);

            step = trace.Step("binance.subscribe");
            var (requests, version) = await connection.SubscribeAsync(cancellationToken).ConfigureAwait(false);
            ConnectionTrace.Complete(step, "subscribed", error: false, ("kline.requests", requests));
            metrics.ConnectionAttempt(succeeded: true);
            assignment.MarkApplied(version);
            outageLog.Subscribed(ConnectionIndex);
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = exception switch
            {
                SubscribeFailedException => DisconnectReason.SubscribeFailed,
                ConnectionLostException => DisconnectReason.Lost,
                _ when connection.Age > TimeSpan.Zero => DisconnectReason.Lost,
                _ => DisconnectReason.ConnectFailed,
            };
            ConnectionTrace.Complete(step, reason.ToLabel(), error: true, ("error.message", exception.Message));
            metrics.ConnectionAttempt(succeeded: false);
            metrics.Reconnect(reason.ToLabel());
            var delay = _backoff.Next();
            outageLog.AttemptFailed(ConnectionIndex, connection.Name, reason, FailureCause.Describe(exception), delay);
            await BackOffAsync(connection, trace, reason, delay, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch
        {
            step?.Dispose();
            connection.Dispose();
            trace.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the connection must be replaced, and says why.</summary>
    private async Task<DisconnectReason> WatchAsync(BinanceConnection connection, ConnectionTrace trace, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (connection.Ended.IsCompleted)
            {
                return await connection.Ended.ConfigureAwait(false);
            }

            if (connection.Age >= options.ConnectionLifetime)
            {
                return DisconnectReason.Rotation;
            }

            if (connection.SinceLastMessage >= options.NoDataTimeout && !await ProbeAsync(connection, trace, cancellationToken).ConfigureAwait(false))
            {
                return await EndedOrAsync(connection, DisconnectReason.ProbeFailed).ConfigureAwait(false);
            }

            var changed = assignment.Changed;
            if (assignment.Version != assignment.AppliedVersion && !await ApplyChangesAsync(connection, trace, cancellationToken).ConfigureAwait(false))
            {
                return await EndedOrAsync(connection, DisconnectReason.SubscribeFailed).ConfigureAwait(false);
            }

            // Wakes at once when the connection ends, announces shutdown or its streams change; otherwise looks at age and silence again.
            await Task.WhenAny(connection.Ended, changed, Task.Delay(WatchPeriod, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A request failed: if the connection ended meanwhile, that is the reason; otherwise <paramref name="reason"/>.</summary>
    private static async Task<DisconnectReason> EndedOrAsync(BinanceConnection connection, DisconnectReason reason) =>
        connection.Ended.IsCompleted ? await connection.Ended.ConfigureAwait(false) : reason;

    /// <summary>Subscribes and unsubscribes on the live connection; false when that failed and the connection must be replaced.</summary>
    private async Task<bool> ApplyChangesAsync(BinanceConnection connection, ConnectionTrace trace, CancellationToken cancellationToken)
    {
        using var step = trace.Step("binance.change");
        try
        {
            assignment.MarkApplied(await connection.ApplyChangesAsync(cancellationToken).ConfigureAwait(false));
            ConnectionTrace.Complete(step, "changed", error: false, ("kline.streams", connection.Subscribed.Count));
            return true;
        }
        catch (Exception exception) when (exception is SubscribeFailedException or ConnectionLostException)
        {
            Log.ChangeFailed(logger, connection.Name, exception.Message);
            ConnectionTrace.Complete(step, "failed", error: true, ("error.message", exception.Message));
            return false;
        }
    }

    /// <summary>
    /// A silent connection may carry only quiet streams: ask the server what it carries. An answer proves it alive
    /// (and resets the silence); streams it no longer lists are subscribed again. Only no answer replaces it.
    /// </summary>
    private async Task<bool> ProbeAsync(BinanceConnection connection, ConnectionTrace trace, CancellationToken cancellationToken)
    {
        var silence = connection.SinceLastMessage;
        var step = trace.Step("binance.probe");
        step?.SetTag("kline.silence_seconds", silence.TotalSeconds);
        try
        {
            // Compared with what this connection carries now, not with what it started with.
            var carried = connection.Subscribed;
            var missing = await connection.Subscriber.ProbeAsync(carried, cancellationToken).ConfigureAwait(false);
            if (missing.Count == 0)
            {
                metrics.Probe("alive");
                Log.ProbeAnswered(logger, connection.Name, silence, carried.Count);
                ConnectionTrace.Complete(step, "alive", error: false);
                return true;
            }

            Log.ProbeFoundMissing(logger, connection.Name, missing.Count, carried.Count);
            await connection.Subscriber.SubscribeAsync(missing, cancellationToken).ConfigureAwait(false);
            metrics.Probe("resubscribed");
            ConnectionTrace.Complete(step, "resubscribed", error: false, ("kline.streams.missing", missing.Count));
            return true;
        }
        catch (Exception exception) when (exception is ProbeFailedException or SubscribeFailedException or ConnectionLostException)
        {
            metrics.Probe("failed");
            Log.ProbeFailed(logger, connection.Name, silence, exception.Message);
            ConnectionTrace.Complete(step, "failed", error: true, ("error.message", exception.Message));
            return false;
        }
        finally
        {
            step?.Dispose();
        }
    }
}
