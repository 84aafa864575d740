namespace KlineAspire.Ingestor.Connections;

/// <summary>Why a connection was replaced; the values are the <c>reason</c> label of the reconnect counter.</summary>
public static class DisconnectReason
{
    public const string ConnectFailed = "connect_failed";
    public const string SubscribeFailed = "subscribe_failed";
    public const string Lost = "lost";
    public const string NoData = "no_data";
    public const string ServerShutdown = "server_shutdown";
    public const string Rotation = "rotation";
}
