namespace KlineAspire.Simulator;

/// <summary>
/// How the Binance-compatible simulator behaves. Defaults are Binance's documented limits, so a client that passes
/// against the defaults passes against the real exchange.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>How often the random-walk feed updates every subscribed stream. Zero turns the feed off (tests publish by hand).</summary>
    public TimeSpan UpdatePeriod { get; set; } = TimeSpan.FromSeconds(2);

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
    /// Benchmark runs: connections keep the raw upgraded stream so <see cref="BinanceSimulator.SendBurstAsync"/> can write
    /// pre-framed messages in large batches. Keep pings long when set.
    /// </summary>
    public bool LoadMode { get; set; }

    /// <summary>Listen address when the simulator is started in-process by <see cref="BinanceSimulator.StartAsync"/>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";
}
