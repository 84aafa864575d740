namespace KlineAspire.Ingestor.Configuration;

/// <summary>Limits Binance documents for its market-data streams (see docs/binance-protocol.md).</summary>
public static class BinanceLimits
{
    public const int MaxStreamsPerConnection = 1024;
    public const int MaxIncomingMessagesPerSecond = 5;
    public const int MaxConnectionAttemptsPerWindow = 300;
    public static readonly TimeSpan ConnectionAttemptWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxConnectionAge = TimeSpan.FromHours(24);

    /// <summary>REST request weight an IP may spend per minute, shared with every other client on the address.</summary>
    public const int RequestWeightPerMinute = 6000;

    /// <summary>The weight of <c>GET /api/v3/exchangeInfo</c> without parameters.</summary>
    public const int ExchangeInfoWeight = 20;
}
