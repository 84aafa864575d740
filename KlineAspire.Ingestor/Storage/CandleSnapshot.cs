namespace KlineAspire.Ingestor.Storage;

/// <summary>A consistent copy of a stream's latest candle.</summary>
public readonly record struct CandleSnapshot(
    long EventTime,
    long OpenTime,
    long CloseTime,
    double Open,
    double High,
    double Low,
    double Close,
    double BaseVolume,
    double QuoteVolume,
    double TakerBuyBaseVolume,
    double TakerBuyQuoteVolume,
    long Trades,
    bool IsClosed,
    long ClosedCandles,
    long ReceivedAtUnixMs);
