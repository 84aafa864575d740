namespace KlineAspire.Ingestor.Connections;

/// <summary>Binance refused a SUBSCRIBE request, or did not acknowledge it in time.</summary>
public sealed class SubscribeFailedException(string message) : Exception(message);
