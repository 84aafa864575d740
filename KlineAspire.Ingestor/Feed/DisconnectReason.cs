namespace KlineAspire.Ingestor.Feed;

/// <summary>Why a connection ended. The labels are the <c>reason</c> label of the reconnect counter and the connection's span.</summary>
public enum DisconnectReason
{
    ConnectFailed,
    SubscribeFailed,

    /// <summary>The socket went away: dropped under the receive loop, or failed a request as it was written.</summary>
    Lost,

    /// <summary>Silent for <c>NoDataTimeout</c>, and LIST_SUBSCRIPTIONS went unanswered: quiet markets alone never cause it.</summary>
    ProbeFailed,
    ServerShutdown,
    Rotation,
    MessageTooLarge,

    /// <summary>The ingestor is stopping, or the connection carries no stream any more; no reconnect follows.</summary>
    Shutdown,
}

public static class DisconnectReasons
{
    public static string ToLabel(this DisconnectReason reason) => reason switch
    {
        DisconnectReason.ConnectFailed => "connect_failed",
        DisconnectReason.SubscribeFailed => "subscribe_failed",
        DisconnectReason.Lost => "lost",
        DisconnectReason.ProbeFailed => "probe_failed",
        DisconnectReason.ServerShutdown => "server_shutdown",
        DisconnectReason.Rotation => "rotation",
        DisconnectReason.MessageTooLarge => "message_too_large",
        DisconnectReason.Shutdown => "shutdown",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
