namespace KlineAspire.Ingestor.Configuration;

/// <summary>
/// Settings of the <c>Binance</c> configuration section, in two parts: those a user sets, then the advanced ones
/// (protocol limits, timeouts, back-off), whose defaults suit Binance. Every public key is in
/// docs/configuration.md; the internal ones are test seams.
/// </summary>
public sealed class BinanceOptions
{
    /// <summary>The <see cref="Series"/> entry that selects every per-stream series.</summary>
    public const string AllSeries = "all";

    public const string SectionName = "Binance";
    public const string DefaultEndpoint = "wss://stream.binance.com:9443";
    public const string DefaultRestEndpoint = "https://api.binance.com";
    public const int DefaultOtlpMarketSeriesLimit = 20_000;

    // ---- What to stream and where from: the settings a user sets. ----

    /// <summary>
    /// Symbols, normalised to upper case. Required. An entry with <c>*</c> (<c>*USDT</c>, <c>BTC*</c>, <c>*</c>) is a
    /// pattern over the symbols exchangeInfo lists as TRADING; the others are literal symbols.
    /// </summary>
    public List<string> Symbols { get; set; } = [];

    public List<string> Intervals { get; set; } = ["1m"];

    /// <summary>
    /// Closed candles per stream read from REST (<c>GET /api/v3/klines</c>, one request of weight 2 each) in the
    /// background after startup and served at <c>/history</c> for Prometheus to import. 0 turns history off.
    /// </summary>
    public int HistoryCandles { get; set; } = DefaultHistoryCandles;

    public const int DefaultHistoryCandles = 1000;

    /// <summary>History older than this is left out of <c>/history</c>: Prometheus' retention (its default is 15 days).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(15);

    /// <summary>
    /// Per-stream series to export: Prometheus metric names and groups (the exposition's instrument list).
    /// Every series costs memory in the ingestor and in Prometheus, per stream.
    /// </summary>
    public List<string> Series { get; set; } = [AllSeries];

    /// <summary>Base ws(s) URL; the ingestor appends the combined-stream path itself.</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Base http(s) URL of the REST API that lists symbols (<c>GET /api/v3/exchangeInfo</c>).</summary>
    public string RestEndpoint { get; set; } = DefaultRestEndpoint;

    /// <summary>How often exchangeInfo is read again so patterns follow listings and delistings.</summary>
    public TimeSpan SymbolRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a stream keeps its price after its connection was lost (a reconnect usually takes seconds).
    /// A quiet stream on a healthy connection never goes stale: Binance pushes only on change.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// With patterns: symbols that listings may add during one run beyond those matched at startup. Each symbol a run
    /// has ever held keeps one metric point per interval and series until the process restarts, and OpenTelemetry
    /// allocates them all up front, so this is memory reserved, not a soft target. Listings past it are deferred to
    /// the next start, with a warning and <c>kline_ingestor_deferred_streams</c>.
    /// </summary>
    public int ListingHeadroom { get; set; } = 200;

    // ---- Advanced: export, readiness, protocol limits, timeouts and back-off. The defaults suit Binance. ----

    /// <summary>
    /// Per-stream series (the run's room for streams × selected series) that may also go over OTLP. Above it OTLP
    /// carries only the ingestor's health, runtime and HTTP metrics: one export must fit the receiver's 4 MiB message limit.
    /// </summary>
    public int OtlpMarketSeriesLimit { get; set; } = DefaultOtlpMarketSeriesLimit;

    /// <summary>After startup, readiness reports Degraded rather than Unhealthy for this long while connections are made.</summary>
    public TimeSpan StartupGrace { get; set; } = TimeSpan.FromMinutes(1);

    // Binance's limits: the defaults are the limits themselves, so these can only be lowered (validation refuses more).

    /// <summary>Binance allows at most 1024 streams per connection.</summary>
    public int MaxStreamsPerConnection { get; set; } = BinanceLimits.MaxStreamsPerConnection;

    /// <summary>
    /// Messages this client sends per second on one connection. Binance drops a connection above 5, counting the
    /// pongs the socket sends on its own, so at most 4 are allowed, keeping one a second in reserve for them.
    /// </summary>
    public int MaxMessagesPerSecond { get; set; } = BinanceLimits.MaxClientMessagesPerSecond;

    /// <summary>Connection attempts allowed per five minutes across all connections (Binance: 300 per IP).</summary>
    public int MaxConnectionAttempts { get; set; } = BinanceLimits.MaxConnectionAttemptsPerWindow;

    /// <summary>Age at which a connection is replaced, before Binance cuts it at 24 hours.</summary>
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromHours(23);

    // Timeouts.

    /// <summary>A handshake that takes longer than this counts as a failed attempt.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the answer to a SUBSCRIBE or LIST_SUBSCRIPTIONS request.</summary>
    public TimeSpan SubscribeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A connection that delivers nothing for this long is probed with LIST_SUBSCRIPTIONS; it is replaced only
    /// when the probe goes unanswered, because a connection whose streams are all quiet is silent too.
    /// </summary>
    public TimeSpan NoDataTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The deadline of one exchangeInfo request, from sending it to the last byte of the answer parsed. A request past
    /// it is a failed refresh (<c>timeout</c>), retried after <see cref="RestRetryBaseDelay"/>. At startup, when the host
    /// serves nothing yet, at most 10 seconds of it is waited for.
    /// </summary>
    public TimeSpan RestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // Back-off: the WebSocket reconnects and the exchangeInfo retries each have their own.

    /// <summary>The first delay before a WebSocket connection is made again; it doubles with each failure, with jitter.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay before a WebSocket connection is made again.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The first delay before a failed exchangeInfo read is retried; it doubles with each failure, with jitter.</summary>
    public TimeSpan RestRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay before a failed exchangeInfo read is retried (never longer than <see cref="SymbolRefreshInterval"/>).</summary>
    public TimeSpan RestRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    // ---- Test seams: bound from configuration (BinanceOptionsSetup), but not part of the documented settings. ----

    /// <summary>Streams named in one SUBSCRIBE request: small in tests, to see a subscription made in several batches.</summary>
    internal int SubscribeBatchSize { get; set; } = 200;

    /// <summary>
    /// An update whose event time is further than this from its receipt, or whose candle opens this long after the
    /// event, is rejected. Benchmarks widen it to replay frames stamped in the past.
    /// </summary>
    internal TimeSpan ClockTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest WebSocket message accepted; a larger one is counted, and the connection replaced, before it is buffered.</summary>
    internal int MaxMessageBytes { get; set; } = 1024 * 1024;
}
