namespace KlineAspire.Ingestor.Configuration;

/// <summary>Settings of the <c>Binance</c> configuration section. Every key is listed in the README.</summary>
public sealed class BinanceOptions
{
    public const string SectionName = "Binance";
    public const string DefaultEndpoint = "wss://stream.binance.com:9443";

    /// <summary>Base ws(s) URL; the ingestor appends the combined-stream path itself.</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Symbols, normalised to upper case. Required.</summary>
    public List<string> Symbols { get; set; } = [];

    public List<string> Intervals { get; set; } = ["1m"];

    /// <summary>A stream without an update for this long leaves the price and volume gauges.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Binance allows at most 1024 streams per connection.</summary>
    public int MaxStreamsPerConnection { get; set; } = BinanceLimits.MaxStreamsPerConnection;

    /// <summary>
    /// Messages this client sends per second on one connection. Binance drops a connection above 5, counting the
    /// pongs the socket sends on its own, so the default keeps one message a second in reserve for them.
    /// </summary>
    public int MaxMessagesPerSecond { get; set; } = BinanceLimits.MaxIncomingMessagesPerSecond - 1;

    /// <summary>Streams named in one SUBSCRIBE request.</summary>
    public int SubscribeBatchSize { get; set; } = 200;

    /// <summary>Connection attempts allowed per five minutes across all connections (Binance: 300 per IP).</summary>
    public int MaxConnectionAttempts { get; set; } = BinanceLimits.MaxConnectionAttemptsPerWindow;

    /// <summary>Age at which a connection is replaced, before Binance cuts it at 24 hours.</summary>
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromHours(23);

    /// <summary>A connection that delivers nothing for this long is considered dead and replaced.</summary>
    public TimeSpan NoDataTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the acknowledgement of a SUBSCRIBE request.</summary>
    public TimeSpan SubscribeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A handshake that takes longer than this counts as a failed attempt.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);
}
