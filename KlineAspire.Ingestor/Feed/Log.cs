namespace KlineAspire.Ingestor.Feed;

/// <summary>Structured log events of the connection lifecycle (source-generated, no boxing on the hot path).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Ingesting {StreamCount} streams over {ConnectionCount} connections from {Endpoint}")]
    public static partial void Plan(ILogger logger, int streamCount, int connectionCount, Uri endpoint);

    [LoggerMessage(22, LogLevel.Warning, "Up to {Series} per-stream series this run ({Streams} streams × {SeriesPerStream} series of Binance:Series): "
        + "past {Budget} the ingestor needs more than 400 MB and a /metrics scrape (about {ScrapeMiB} MiB) more than 0.3 s, and Prometheus 1-3 KiB "
        + "per series. For the whole exchange, Binance:Series=kline_close_price,feed keeps the prices and the alerts at 4 series a stream; see the "
        + "sizing in docs/metrics.md")]
    public static partial void ManySeries(ILogger logger, long series, int streams, int seriesPerStream, long budget, long scrapeMiB);

    [LoggerMessage(2, LogLevel.Information, "Connection {Connection} open to {Endpoint}; subscribing {StreamCount} streams")]
    public static partial void Connected(ILogger logger, string connection, Uri endpoint, int streamCount);

    [LoggerMessage(3, LogLevel.Information, "Connection {Connection} subscribed {StreamCount} streams in {Requests} requests")]
    public static partial void Subscribed(ILogger logger, string connection, int streamCount, int requests);

    // Back-off progress: the outage it belongs to was announced once, by Unreachable.
    [LoggerMessage(4, LogLevel.Information, "Connection {Connection} failed ({Reason}): {Error}. Retrying in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, string connection, string reason, string error, TimeSpan delay);

    // Names the connection too: its delay is the first of that connection's back-off schedule.
    [LoggerMessage(23, LogLevel.Warning, "Cannot stream from {Endpoint} ({Reason}): {Error}. Connection {Connection} retries with back-off, next in "
        + "{Delay}; each further attempt is logged at Information until one succeeds")]
    public static partial void Unreachable(ILogger logger, Uri endpoint, string error, string reason, string connection, TimeSpan delay);

    [LoggerMessage(24, LogLevel.Information, "Streaming from {Endpoint} again after {Outage}; {FailedAttempts} connection attempts failed meanwhile")]
    public static partial void Reachable(ILogger logger, Uri endpoint, TimeSpan outage, int failedAttempts);

    [LoggerMessage(5, LogLevel.Warning, "Connection {Connection} ended ({Reason}) after {Age}; reconnecting in {Delay}")]
    public static partial void Disconnected(ILogger logger, string connection, string reason, TimeSpan age, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Information, "Connection {Connection} is being replaced ({Reason}) after {Age}; the old one stays open until the new "
        + "one is subscribed")]
    public static partial void Rotating(ILogger logger, string connection, string reason, TimeSpan age);

    [LoggerMessage(7, LogLevel.Warning, "Connection {Connection}: invalid frame ({Reason}, {Detail}, {Length} bytes); {Suppressed} more suppressed "
        + "since the last report")]
    public static partial void InvalidFrame(ILogger logger, string connection, string reason, string detail, int length, int suppressed);

    [LoggerMessage(8, LogLevel.Debug, "Connection {Connection}: invalid frame starts with {Excerpt}")]
    public static partial void InvalidFrameContent(ILogger logger, string connection, string excerpt);

    [LoggerMessage(10, LogLevel.Information, "Connection {Connection} received serverShutdown; replacing it now")]
    public static partial void ServerShutdown(ILogger logger, string connection);

    [LoggerMessage(11, LogLevel.Error, "Connection {Connection}: message handler failed; the frame was dropped")]
    public static partial void HandlerFailed(ILogger logger, string connection, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Connection {Connection} retired after its replacement subscribed")]
    public static partial void Retired(ILogger logger, string connection);

    [LoggerMessage(13, LogLevel.Debug, "Connection {Connection} was silent for {Silence}; LIST_SUBSCRIPTIONS confirmed all {StreamCount} streams")]
    public static partial void ProbeAnswered(ILogger logger, string connection, TimeSpan silence, int streamCount);

    [LoggerMessage(14, LogLevel.Warning, "Connection {Connection}: the server no longer lists {Missing} of {StreamCount} streams; resubscribing them")]
    public static partial void ProbeFoundMissing(ILogger logger, string connection, int missing, int streamCount);

    [LoggerMessage(15, LogLevel.Warning, "Connection {Connection} was silent for {Silence} and its probe failed: {Error}")]
    public static partial void ProbeFailed(ILogger logger, string connection, TimeSpan silence, string error);

    [LoggerMessage(16, LogLevel.Warning, "Connection {Connection}: a message reached {Bytes} bytes, over the limit of {Limit}; closing the connection")]
    public static partial void MessageTooLarge(ILogger logger, string connection, long bytes, int limit);

    [LoggerMessage(17, LogLevel.Error, "The supervisor of connection c{ConnectionIndex} failed unexpectedly; restarting it in {Delay}")]
    public static partial void SupervisorFaulted(ILogger logger, int connectionIndex, TimeSpan delay, Exception exception);

    [LoggerMessage(18, LogLevel.Information, "Connection {Connection} closed on shutdown")]
    public static partial void ClosedOnShutdown(ILogger logger, string connection);

    [LoggerMessage(19, LogLevel.Information, "Connection {Connection} subscribed {Joined} and unsubscribed {Left} streams in place; it carries {StreamCount}")]
    public static partial void Changed(ILogger logger, string connection, int joined, int left, int streamCount);

    [LoggerMessage(20, LogLevel.Warning, "Connection {Connection} could not apply a change of its streams ({Error}); replacing it, the new one "
        + "subscribes the current set")]
    public static partial void ChangeFailed(ILogger logger, string connection, string error);

    [LoggerMessage(21, LogLevel.Information, "Connection {Connection} carries no stream any more; closing it")]
    public static partial void Emptied(ILogger logger, string connection);
}
