using System.Text;
using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Logs invalid frames and server error replies without flooding: the first one at once, then one per period with
/// the number suppressed. Frame content goes to Debug only, truncated; every frame is counted in metrics regardless.
/// </summary>
internal sealed class InvalidFrameLog(ILogger logger, TimeProvider time, string connectionName)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private const int ExcerptBytes = 200;
    private const int MaxDetailChars = 200;

    private readonly Lock _gate = new();
    private long _lastLoggedAt = long.MinValue;
    private int _suppressed;

    /// <summary>An error reply from the server: its text is the server's, so it is truncated like frame content.</summary>
    public void ReportErrorResponse(long? requestId, int code, string message, ReadOnlySpan<byte> frame)
    {
        var text = message.Length > MaxDetailChars ? message[..MaxDetailChars] + "…" : message;
        Report(InvalidFrameReason.ErrorResponse,
            $"request {requestId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, error {code}: {text}", frame);
    }

    public void Report(InvalidFrameReason reason, string? detail, ReadOnlySpan<byte> frame)
    {
        int suppressed;
        lock (_gate)
        {
            if (_lastLoggedAt != long.MinValue && time.GetElapsedTime(_lastLoggedAt) < Period)
            {
                _suppressed++;
                return;
            }

            suppressed = _suppressed;
            _suppressed = 0;
            _lastLoggedAt = time.GetTimestamp();
        }

        Log.InvalidFrame(logger, connectionName, reason.ToLabel(), detail ?? string.Empty, frame.Length, suppressed);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var excerpt = Encoding.UTF8.GetString(frame[..Math.Min(frame.Length, ExcerptBytes)]);
            Log.InvalidFrameContent(logger, connectionName, excerpt);
        }
    }
}
