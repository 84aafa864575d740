using System.Diagnostics;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Streams;
using KlineAspire.Ingestor.Telemetry;

namespace KlineAspire.Ingestor.Connections;

/// <summary>
/// Keeps one <see cref="ConnectionPlan"/> connected for the life of the process: connects within the shared
/// attempt budget, backs off with jitter after failures, detects silent connections, and replaces a connection
/// before Binance's 24-hour cut or when the server announces shutdown, opening the new one before closing the old.
/// Each connection's lifetime is one trace activity.
/// </summary>
internal sealed class ConnectionSupervisor(
    ConnectionPlan plan,
    BinanceOptions options,
    SlidingWindowLimiter attemptBudget,
    KlineFrameProcessor processor,
    IngestorMetrics metrics,
    ILogger logger,
    TimeProvider time)
{
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(1);

    // A connection that stayed up this long proves the endpoint works again, so the next failure starts over.
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly Uri _uri = EndpointUri.CombinedStream(options.Endpoint);
    private readonly ReconnectBackoff _backoff = new(options.ReconnectBaseDelay, options.ReconnectMaxDelay, Random.Shared);
    private int _generation;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        BinanceConnection? retiring = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var connection = new BinanceConnection(plan, $"c{plan.Index}.{++_generation}", _uri, options, processor, metrics, logger, time);
                using var activity = IngestorTelemetry.ActivitySource.StartActivity("binance.connection", ActivityKind.Client);
                activity?.SetTag("kline.connection", connection.Name);
                activity?.SetTag("kline.streams", plan.Streams.Count);
                activity?.SetTag("url.full", _uri.ToString());

                if (!await TryOpenAsync(connection, activity, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                if (retiring is not null)
                {
                    await retiring.CloseAsync("replaced").ConfigureAwait(false);
                    Log.Retired(logger, retiring.Name);
                    retiring = null;
                }

                var reason = await WatchAsync(connection, cancellationToken).ConfigureAwait(false);
                activity?.SetTag("kline.disconnect.reason", reason);
                activity?.AddEvent(new ActivityEvent(reason));
                metrics.Reconnect(reason);

                if (reason is DisconnectReason.Rotation or DisconnectReason.ServerShutdown)
                {
                    // Keep delivering updates on the old connection until the new one has subscribed.
                    Log.Rotating(logger, connection.Name, reason, connection.Age);
                    retiring = connection;
                    continue;
                }

                if (connection.Age >= StableAfter)
                {
                    _backoff.Reset();
                }

                var delay = _backoff.Next();
                Log.Disconnected(logger, connection.Name, reason, connection.Age, delay);
                activity?.SetStatus(ActivityStatusCode.Error, reason);
                connection.Dispose();
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            retiring?.Dispose();
        }
    }

    private async Task<bool> TryOpenAsync(BinanceConnection connection, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            await attemptBudget.AcquireAsync(cancellationToken).ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            metrics.ConnectionAttempt(succeeded: true);
            activity?.AddEvent(new ActivityEvent("subscribed"));
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = exception is SubscribeFailedException ? DisconnectReason.SubscribeFailed : DisconnectReason.ConnectFailed;
            metrics.ConnectionAttempt(succeeded: false);
            metrics.Reconnect(reason);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.SetTag("kline.disconnect.reason", reason);
            var delay = _backoff.Next();
            Log.AttemptFailed(logger, connection.Name, reason, exception.Message, delay);
            await connection.CloseAsync(reason).ConfigureAwait(false);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the connection must be replaced, and says why.</summary>
    private async Task<string> WatchAsync(BinanceConnection connection, CancellationToken cancellationToken)
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

            if (connection.SinceLastMessage >= options.NoDataTimeout)
            {
                return DisconnectReason.NoData;
            }

            // Wakes at once when the connection ends or announces shutdown; otherwise looks at age and silence again.
            await Task.WhenAny(connection.Ended, Task.Delay(WatchPeriod, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
