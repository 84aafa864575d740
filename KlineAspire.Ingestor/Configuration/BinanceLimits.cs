namespace KlineAspire.Ingestor.Configuration;

/// <summary>Limits Binance documents for its market-data streams (see docs/binance-protocol.md).</summary>
public static class BinanceLimits
{
    public const int MaxStreamsPerConnection = 1024;
    public const int MaxIncomingMessagesPerSecond = 5;

    /// <summary>
    /// Control messages this client may send per second on one connection: Binance's limit counts the pongs the socket
    /// sends on its own too, so one message a second stays in reserve for them.
    /// </summary>
    public const int MaxClientMessagesPerSecond = MaxIncomingMessagesPerSecond - 1;
    public const int MaxConnectionAttemptsPerWindow = 300;
    public static readonly TimeSpan ConnectionAttemptWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxConnectionAge = TimeSpan.FromHours(24);

    /// <summary>REST request weight an IP may spend per minute, shared with every other client on the address.</summary>
    public const int RequestWeightPerMinute = 6000;

    /// <summary>The weight of <c>GET /api/v3/exchangeInfo</c> without parameters.</summary>
    public const int ExchangeInfoWeight = 20;

    /// <summary>The weight of <c>GET /api/v3/klines</c>, whatever its limit.</summary>
    public const int KlinesWeight = 2;

    /// <summary>The most rows one <c>GET /api/v3/klines</c> returns.</summary>
    public const int MaxKlinesPerRequest = 1000;
}
