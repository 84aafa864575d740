namespace KlineAspire.Ingestor.Feed;

/// <summary>Why a connection was replaced; the values are the <c>reason</c> label of the reconnect counter.</summary>
public static class DisconnectReason
{
    public const string ConnectFailed = "connect_failed";
    public const string SubscribeFailed = "subscribe_failed";

    /// <summary>The socket went away: dropped under the receive loop, or failed a request as it was written.</summary>
    public const string Lost = "lost";

    /// <summary>Silent for <c>NoDataTimeout</c>, and LIST_SUBSCRIPTIONS went unanswered: quiet markets alone never cause it.</summary>
    public const string ProbeFailed = "probe_failed";
    public const string ServerShutdown = "server_shutdown";
    public const string Rotation = "rotation";
    public const string MessageTooLarge = "message_too_large";
}
