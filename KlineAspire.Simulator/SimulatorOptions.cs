namespace KlineAspire.Simulator;

/// <summary>
/// How the Binance-compatible simulator behaves. Defaults are Binance's documented limits, so a client that passes
/// against the defaults passes against the real exchange.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>
    /// How often the random-walk feed trades and pushes every subscribed stream: Binance's pace (at most every 2 s) by
    /// default; tests shorten it to see more updates. Zero turns the feed off (tests publish by hand).
    /// </summary>
    public TimeSpan UpdatePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after a candle's close its final update (<c>x:true</c>) goes out, carrying the trades made since its
    /// last push; the stream's next candle is pushed only after it, as on Binance, whose final update comes with the
    /// stream's next push, a moment after the close.
    /// </summary>
    public TimeSpan FinalUpdateDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Binance pings every 20 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Binance drops a connection whose pong does not arrive within a minute.</summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Incoming messages per second per connection above which the connection is closed with 1008.</summary>
    public int MaxIncomingMessagesPerSecond { get; set; } = 5;

    public int MaxStreamsPerConnection { get; set; } = 1024;

    /// <summary>Connection attempts allowed per <see cref="ConnectionAttemptWindow"/>; further handshakes get HTTP 429.</summary>
    public int MaxConnectionAttempts { get; set; } = 300;

    public TimeSpan ConnectionAttemptWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Binance cuts every connection at 24 hours.</summary>
    public TimeSpan MaxConnectionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Seed of the random walk, so offline demos and tests are reproducible.</summary>
    public int Seed { get; set; } = 20_260_101;

    /// <summary>
    /// The exchange's symbols, each <c>SYMBOL</c> (trading) or <c>SYMBOL:STATUS</c> (e.g. <c>LUNAUSDT:BREAK</c>). Set, the
    /// universe is strict: only these symbols exist and only the <c>TRADING</c> ones stream. Empty, the simulator lists
    /// <see cref="SymbolUniverse.DefaultSymbols"/> and any other well-formed symbol trades as well.
    /// </summary>
    public List<string> Symbols { get; set; } = [];

    /// <summary>
    /// Symbols listed on top of the universe, in the form of <see cref="Symbols"/>, without making it strict: the AppHost
    /// lists the market's literal symbols here so that any watch list streams offline. A symbol with no known quote
    /// asset is split before its last three characters, as Binance's fiat pairs (<c>BTCGBP</c>) are.
    /// </summary>
    public List<string> ExtraSymbols { get; set; } = [];

    /// <summary>
    /// Generated trading symbols listed on top of the universe (<see cref="Simulator.SyntheticSymbols"/>), so that patterns
    /// such as <c>*USDT</c> select from an exchange of the size being rehearsed.
    /// </summary>
    public int SyntheticSymbols { get; set; }

    /// <summary>Symbols whose streams are quiet markets: one update after each SUBSCRIBE, then none.</summary>
    public List<string> QuietSymbols { get; set; } = [];

    /// <summary>Stream names (e.g. <c>xrpusdt@kline_1h</c>) that are quiet markets, as <see cref="QuietSymbols"/>.</summary>
    public List<string> QuietStreams { get; set; } = [];

    /// <summary>Finished candles kept per UTC stream for <c>GET /api/v3/klines</c> (plus the forming one). Zero keeps none.</summary>
    public int KlineHistoryLength { get; set; } = 1000;

    /// <summary>
    /// Closed candles before the start that <c>GET /api/v3/klines</c> serves for every UTC stream, the same in every run
    /// with the same <see cref="Seed"/> (<see cref="KlinePast"/>); the live walk continues them. Only while the random-walk
    /// feed runs (<see cref="UpdatePeriod"/> above zero). Zero serves no past.
    /// </summary>
    public int PastCandles { get; set; } = 1000;

    /// <summary>REST request weight allowed per minute (Binance: 6,000); above it requests get HTTP 429.</summary>
    public int RequestWeightPerMinute { get; set; } = 6000;

    /// <summary>Requests answered 429 in a row within a minute after which the IP is banned (HTTP 418).</summary>
    public int RefusedRequestsBeforeBan { get; set; } = 10;

    /// <summary>How long a ban lasts (Binance starts at 2 minutes and escalates up to 3 days).</summary>
    public TimeSpan IpBanDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Benchmark runs: connections keep the raw upgraded stream so <see cref="BinanceSimulator.SendBurstAsync"/> can write
    /// pre-framed messages in large batches. Keep pings long when set.
    /// </summary>
    public bool LoadMode { get; set; }

    /// <summary>Listen address when the simulator is started in-process by <see cref="BinanceSimulator.StartAsync"/>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";
}
