namespace KlineAspire.Ingestor.Parsing;

public enum FrameKind
{
    Invalid,
    Kline,
    /// <summary>A reply to a control request: <c>{"result":...,"id":N}</c> or <c>{"error":{...},"id":N}</c>.</summary>
    Response,
    /// <summary>Binance is about to go away; reconnect now.</summary>
    ServerShutdown,
}
