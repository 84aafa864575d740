namespace KlineAspire.Ingestor.Feed;

/// <summary>Binance's answer to one control request: a result (the raw frame, when asked for) or an error.</summary>
internal sealed record ControlReply(byte[]? Frame, int? ErrorCode, string? ErrorMessage)
{
    public bool IsError => ErrorCode is not null;
}
