namespace KlineAspire.Ingestor.Feed;

/// <summary>Binance refused a SUBSCRIBE request, or did not acknowledge it in time.</summary>
public sealed class SubscribeFailedException(string message) : Exception(message);

/// <summary>The connection went away while a request was waiting for its reply.</summary>
public sealed class ConnectionLostException(string message) : Exception(message);

/// <summary>A LIST_SUBSCRIPTIONS probe went unanswered or could not be read: the connection is presumed dead.</summary>
public sealed class ProbeFailedException(string message) : Exception(message);
