namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>exchangeInfo could not be read; the message says why, for logs and readiness, and <see cref="Failure"/> classifies it for the metric.</summary>
public sealed class ExchangeInfoUnavailableException(ExchangeInfoFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public ExchangeInfoFailure Failure { get; } = failure;
}
