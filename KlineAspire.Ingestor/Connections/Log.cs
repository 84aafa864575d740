namespace KlineAspire.Ingestor.Connections;

/// <summary>Structured log events of the connection lifecycle (source-generated, no boxing on the hot path).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Ingesting {StreamCount} streams over {ConnectionCount} connections from {Endpoint}")]
    public static partial void Plan(ILogger logger, int streamCount, int connectionCount, Uri endpoint);

    [LoggerMessage(2, LogLevel.Information, "Connection {Connection} open to {Endpoint}; subscribing {StreamCount} streams")]
    public static partial void Connected(ILogger logger, string connection, Uri endpoint, int streamCount);

    [LoggerMessage(3, LogLevel.Information, "Connection {Connection} subscribed {StreamCount} streams in {Requests} requests")]
    public static partial void Subscribed(ILogger logger, string connection, int streamCount, int requests);

    [LoggerMessage(4, LogLevel.Warning, "Connection {Connection} failed ({Reason}): {Error}. Retrying in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, string connection, string reason, string error, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "Connection {Connection} ended ({Reason}) after {Age}; reconnecting in {Delay}")]
    public static partial void Disconnected(ILogger logger, string connection, string reason, TimeSpan age, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Information, "Connection {Connection} is being replaced ({Reason}) after {Age}; the old one stays open until the new one is subscribed")]
    public static partial void Rotating(ILogger logger, string connection, string reason, TimeSpan age);

    [LoggerMessage(7, LogLevel.Warning, "Connection {Connection}: invalid frame ({Reason}, {Detail}, {Length} bytes); {Suppressed} more suppressed since the last report")]
    public static partial void InvalidFrame(ILogger logger, string connection, string reason, string detail, int length, int suppressed);

    [LoggerMessage(8, LogLevel.Debug, "Connection {Connection}: invalid frame starts with {Excerpt}")]
    public static partial void InvalidFrameContent(ILogger logger, string connection, string excerpt);

    [LoggerMessage(9, LogLevel.Error, "Connection {Connection}: Binance answered request {RequestId} with error {Code}: {Message}")]
    public static partial void ErrorResponse(ILogger logger, string connection, long requestId, int code, string message);

    [LoggerMessage(10, LogLevel.Information, "Connection {Connection} received serverShutdown; replacing it now")]
    public static partial void ServerShutdown(ILogger logger, string connection);

    [LoggerMessage(11, LogLevel.Error, "Connection {Connection}: message handler failed; the frame was dropped")]
    public static partial void HandlerFailed(ILogger logger, string connection, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Connection {Connection} retired after its replacement subscribed")]
    public static partial void Retired(ILogger logger, string connection);
}
