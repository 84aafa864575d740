using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KlineAspire.Simulator;

/// <summary>
/// A Binance-compatible market-data server, as tests, benchmarks and offline runs drive it: where it listens, and
/// the levers and readings of the parts behind it (connections, feed, faults, counters), each forwarded to its owner.
/// </summary>
public sealed class BinanceSimulator : IAsyncDisposable
{
    private readonly IServer _server;
    private readonly SimulatorConnections _connections;
    private readonly ConnectionAttemptBudget _attempts;
    private readonly LimitViolations _violations;
    private readonly FeedGate _feed;
    private readonly KlinePublisher _publisher;
    private readonly SentUpdateCounts _sent;
    private WebApplication? _ownedApp;

    internal BinanceSimulator(SimulatorOptions options, SimulatorFaults faults, SymbolUniverse symbols, QuietStreams quiet, IServer server,
        SimulatorConnections connections, ConnectionAttemptBudget attempts, LimitViolations violations, FeedGate feed, KlinePublisher publisher,
        SentUpdateCounts sent, ClientCloses closes, RestRequestCounts restRequests)
    {
        ClientCloses = closes;
        RestRequests = restRequests;
        Options = options;
        Faults = faults;
        Symbols = symbols;
        QuietStreams = quiet;
        _sent = sent;
        _server = server;
        _connections = connections;
        _attempts = attempts;
        _violations = violations;
        _feed = feed;
        _publisher = publisher;
    }

    public SimulatorOptions Options { get; }

    /// <summary>REST weight served per minute at most, and requests refused with 429 or 418.</summary>
    public RestRequestCounts RestRequests { get; }

    /// <summary>Close frames received from clients, kept after their connections are gone.</summary>
    public ClientCloses ClientCloses { get; }

    public SimulatorFaults Faults { get; }

    /// <summary>The listed symbols and which trade; list, change and delist at run time.</summary>
    public SymbolUniverse Symbols { get; }

    /// <summary>Streams that get one update per subscription and then fall silent.</summary>
    public QuietStreams QuietStreams { get; }

    /// <summary>While paused, the random-walk feed sends nothing; the last values stay as they were.</summary>
    public bool FeedPaused
    {
        get => _feed.Paused;
        set => _feed.Paused = value;
    }

    /// <summary>Base URL for clients, e.g. <c>ws://127.0.0.1:PORT</c>; they add <c>/ws</c> or <c>/stream</c>.</summary>
    public Uri WebSocketBaseUri => new UriBuilder(HttpBaseUri) { Scheme = HttpBaseUri.Scheme == "https" ? "wss" : "ws" }.Uri;

    public Uri HttpBaseUri
    {
        get
        {
            var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The simulator is not listening yet.");
            return new Uri(address.Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://+", "://127.0.0.1"));
        }
    }

    public int OpenConnections => _connections.Count;

    /// <summary>The most connections that were open at the same time.</summary>
    public int PeakOpenConnections => _connections.Peak;

    public IReadOnlyList<SimulatorConnection> Connections => _connections.OrderedById;

    /// <summary>Every WebSocket handshake received, admitted or not.</summary>
    public int ConnectionAttempts => _attempts.Total;

    /// <summary>Handshakes refused because the attempt budget was spent.</summary>
    public int RefusedConnectionAttempts => _attempts.Refused;

    /// <summary>Connections closed with 1008 for sending more than the allowed messages per second.</summary>
    public int RateLimitViolations => _violations.RateLimit;

    /// <summary>Subscriptions refused because a connection would exceed its stream limit.</summary>
    public int StreamLimitViolations => _violations.StreamLimit;

    /// <summary>The highest number of messages any single connection sent within one second.</summary>
    public int MaxObservedIncomingMessagesPerSecond => _violations.MaxIncomingMessagesPerSecond;

    /// <summary>The distinct streams subscribed across all open connections.</summary>
    public IReadOnlySet<string> SubscribedStreams => _connections.SubscribedStreams;

    /// <summary>The last candle published per stream name.</summary>
    public IReadOnlyDictionary<string, KlineCandle> LastSent => _publisher.LastSent;

    /// <summary>Kline updates written to clients per stream name, summed over the connections subscribed to it.</summary>
    public IReadOnlyDictionary<string, long> SentUpdates => _sent.ByStream;

    /// <summary>Starts a simulator in-process on a free loopback port.</summary>
    public static Task<BinanceSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, TimeProvider.System, cancellationToken);

    /// <summary>As above, on the given clock (e.g. a fake one, for time-dependent behaviour such as request weight per minute).</summary>
    public static async Task<BinanceSimulator> StartAsync(SimulatorOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(time);
        builder.Services.AddBinanceSimulator(options);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapBinanceSimulator();
        await app.StartAsync(cancellationToken);
        var simulator = app.Services.GetRequiredService<BinanceSimulator>();
        simulator._ownedApp = app;
        return simulator;
    }

    /// <summary>Pauses the feed and waits for an update in flight, so <see cref="LastSent"/> is final afterwards.</summary>
    public Task PauseFeedAsync() => _feed.PauseAsync();

    /// <summary>Sends the candle to every connection subscribed to its stream, in each connection's format.</summary>
    public Task PublishAsync(KlineCandle candle) => _publisher.PublishAsync(candle);

    /// <summary>Sends the candle to its subscribers as one message split across several WebSocket frames.</summary>
    public Task SendFragmentedAsync(KlineCandle candle, int fragments) => _publisher.SendFragmentedAsync(candle, fragments);

    public Task SendTextToAllAsync(string text) => SendBytesToAllAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendBytesToAllAsync(byte[] bytes, WebSocketMessageType type) => _connections.SendToAllAsync(bytes, type);

    /// <summary>Announces a shutdown the way Binance does; the server keeps the sockets open until clients leave.</summary>
    public Task SendServerShutdownAsync() => _connections.SendServerShutdownAsync();

    /// <summary>
    /// Load mode: pushes pre-serialised messages to one connection as fast as the socket allows, framed by hand and
    /// written in large batches so the sender costs little next to the client under test.
    /// </summary>
    public Task<long> SendBurstAsync(SimulatorConnection connection, IReadOnlyList<ReadOnlyMemory<byte>> messages, int rounds, CancellationToken cancellationToken = default) =>
        connection.SendBurstAsync(messages, rounds, cancellationToken);

    /// <summary>Resets every TCP connection without a close handshake.</summary>
    public void AbortAllConnections() => _connections.AbortAll();

    /// <summary>
    /// The server silently forgets a stream on every connection, as after a failover on its side: no message, the
    /// stream just stops arriving. Only a client that asks (LIST_SUBSCRIPTIONS) can notice.
    /// </summary>
    public void ForgetSubscription(string stream)
    {
        foreach (var connection in _connections.Open)
        {
            connection.Unsubscribe([stream]);
        }
    }

    public Task CloseAllAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string description = "") =>
        _connections.CloseAllAsync(status, description);

    public async ValueTask DisposeAsync()
    {
        AbortAllConnections();
        if (_ownedApp is { } app)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
    }
}
