using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KlineAspire.Simulator;

/// <summary>
/// A Binance-compatible market-data WebSocket server: the state it keeps, what it has observed of its clients, and
/// the levers tests and the feed use to publish data and inject failures.
/// </summary>
public sealed class BinanceSimulator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, SimulatorConnection> _connections = new();
    private readonly ConcurrentDictionary<string, KlineCandle> _lastSent = new(StringComparer.Ordinal);
    private readonly IServer _server;
    private long _nextConnectionId;
    private int _rateLimitViolations;
    private int _streamLimitViolations;
    private int _maxObservedIncomingRate;
    private int _peakOpenConnections;
    private readonly SemaphoreSlim _feedTick = new(1, 1);
    private WebApplication? _ownedApp;

    public BinanceSimulator(IOptions<SimulatorOptions> options, IServer server, TimeProvider time)
    {
        Options = options.Value;
        _server = server;
        Time = time;
        AttemptBudget = new ConnectionAttemptBudget(Options.MaxConnectionAttempts, Options.ConnectionAttemptWindow, time);
    }

    public SimulatorOptions Options { get; }

    public SimulatorFaults Faults { get; } = new();

    /// <summary>While paused, the random-walk feed sends nothing; the last values stay as they were.</summary>
    public bool FeedPaused { get; set; }

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
    public int PeakOpenConnections => Volatile.Read(ref _peakOpenConnections);

    public IReadOnlyList<SimulatorConnection> Connections => _connections.Values.OrderBy(c => c.Id).ToList();

    /// <summary>Every WebSocket handshake received, admitted or not.</summary>
    public int ConnectionAttempts => AttemptBudget.Total;

    /// <summary>Handshakes refused because the attempt budget was spent.</summary>
    public int RefusedConnectionAttempts => AttemptBudget.Refused;

    /// <summary>Connections closed with 1008 for sending more than the allowed messages per second.</summary>
    public int RateLimitViolations => Volatile.Read(ref _rateLimitViolations);

    /// <summary>Subscriptions refused because a connection would exceed its stream limit.</summary>
    public int StreamLimitViolations => Volatile.Read(ref _streamLimitViolations);

    /// <summary>The highest number of messages any single connection sent within one second.</summary>
    public int MaxObservedIncomingMessagesPerSecond => Volatile.Read(ref _maxObservedIncomingRate);

    /// <summary>The distinct streams subscribed across all open connections.</summary>
    public IReadOnlySet<string> SubscribedStreams => _connections.Values.SelectMany(c => c.Streams).ToHashSet(StringComparer.Ordinal);

    /// <summary>The last candle published per stream name.</summary>
    public IReadOnlyDictionary<string, KlineCandle> LastSent => _lastSent;

    internal TimeProvider Time { get; }

    internal ConnectionAttemptBudget AttemptBudget { get; }

    /// <summary>Starts a simulator in-process on a free loopback port.</summary>
    public static async Task<BinanceSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
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
    public async Task PauseFeedAsync()
    {
        FeedPaused = true;
        await _feedTick.WaitAsync();
        _feedTick.Release();
    }

    internal async Task RunFeedTickAsync(Func<Task> tick)
    {
        await _feedTick.WaitAsync();
        try
        {
            if (!FeedPaused)
            {
                await tick();
            }
        }
        finally
        {
            _feedTick.Release();
        }
    }

    public Task WaitForSubscribedStreamsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(() => SubscribedStreams.Count >= count, timeout, () => $"{count} subscribed streams (have {SubscribedStreams.Count})");

    public Task WaitForConnectionsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(() => OpenConnections >= count, timeout, () => $"{count} open connections (have {OpenConnections})");

    /// <summary>Sends the candle to every connection subscribed to its stream, in each connection's format.</summary>
    public async Task PublishAsync(KlineCandle candle)
    {
        _lastSent[candle.StreamName] = candle;
        if (Faults.StopSending)
        {
            return;
        }

        byte[]? raw = null, combined = null;
        foreach (var connection in _connections.Values)
        {
            if (connection.IsSubscribedTo(candle.StreamName))
            {
                var payload = connection.Combined ? combined ??= candle.ToUtf8(combined: true) : raw ??= candle.ToUtf8(combined: false);
                await connection.SendAsync(payload);
            }
        }
    }

    /// <summary>Publishes a batch, each connection receiving its share concurrently (the feed's path).</summary>
    internal async Task PublishBatchAsync(IReadOnlyCollection<KlineCandle> candles)
    {
        // A stream can have two updates in one batch: its candle sent once more as closed, then the new candle.
        var byStream = new Dictionary<string, List<KlineCandle>>(candles.Count, StringComparer.Ordinal);
        foreach (var candle in candles)
        {
            _lastSent[candle.StreamName] = candle;
            if (!byStream.TryGetValue(candle.StreamName, out var updates))
            {
                byStream[candle.StreamName] = updates = [];
            }

            updates.Add(candle);
        }

        if (Faults.StopSending)
        {
            return;
        }

        var sends = _connections.Values.Select(async connection =>
        {
            foreach (var stream in connection.Streams)
            {
                if (byStream.TryGetValue(stream, out var updates))
                {
                    foreach (var candle in updates)
                    {
                        // A stream normally has one subscriber, so encoding at send time costs nothing extra.
                        if (!await connection.SendAsync(candle.ToUtf8(connection.Combined)))
                        {
                            return;
                        }
                    }
                }
            }
        });
        await Task.WhenAll(sends);
    }

    public Task SendTextToAllAsync(string text) => SendBytesToAllAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesToAllAsync(byte[] bytes, WebSocketMessageType type)
    {
        foreach (var connection in _connections.Values)
        {
            await connection.SendAsync(bytes, type);
        }
    }

    /// <summary>Sends the candle to its subscribers as one message split across several WebSocket frames.</summary>
    public async Task SendFragmentedAsync(KlineCandle candle, int fragments)
    {
        _lastSent[candle.StreamName] = candle;
        foreach (var connection in _connections.Values.Where(c => c.IsSubscribedTo(candle.StreamName)))
        {
            var bytes = candle.ToUtf8(connection.Combined);
            var size = (bytes.Length + fragments - 1) / fragments;
            var parts = Enumerable.Range(0, fragments)
                .Select(i => new ReadOnlyMemory<byte>(bytes, Math.Min(i * size, bytes.Length), Math.Clamp(bytes.Length - i * size, 0, size)))
                .ToList();
            await connection.SendFragmentsAsync(parts);
        }
    }

    /// <summary>Announces a shutdown the way Binance does; the server keeps the sockets open until clients leave.</summary>
    public async Task SendServerShutdownAsync()
    {
        var raw = $$"""{"e":"serverShutdown","E":{{Time.GetUtcNow().ToUnixTimeMilliseconds()}}}""";
        var combined = StreamNames.Wrap("!serverShutdown", raw);
        foreach (var connection in _connections.Values)
        {
            await connection.SendAsync(Encoding.UTF8.GetBytes(connection.Combined ? combined : raw));
        }
    }

    /// <summary>
    /// Load mode: pushes pre-serialised messages to one connection as fast as the socket allows, framed by hand and
    /// written in large batches so the sender costs little next to the client under test.
    /// </summary>
    public Task<long> SendBurstAsync(SimulatorConnection connection, IReadOnlyList<ReadOnlyMemory<byte>> messages, int rounds, CancellationToken cancellationToken = default) =>
        connection.SendBurstAsync(messages, rounds, cancellationToken);

    /// <summary>Resets every TCP connection without a close handshake.</summary>
    public void AbortAllConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }

    public Task CloseAllAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string description = "") =>
        Task.WhenAll(_connections.Values.Select(c => c.CloseAsync(status, description)));

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

    internal SimulatorConnection Register(string path, bool combined, WebSocket socket, Stream? raw, HttpContext context)
    {
        var connection = new SimulatorConnection(Interlocked.Increment(ref _nextConnectionId), path, combined, socket, raw, context, Time.GetUtcNow());
        _connections[connection.Id] = connection;
        RaiseToAtLeast(ref _peakOpenConnections, _connections.Count);
        return connection;
    }

    internal void Unregister(SimulatorConnection connection) => _connections.TryRemove(connection.Id, out _);

    internal void RecordRateLimitViolation() => Interlocked.Increment(ref _rateLimitViolations);

    internal void RecordStreamLimitViolation() => Interlocked.Increment(ref _streamLimitViolations);

    internal void RecordIncomingRate(int perSecond) => RaiseToAtLeast(ref _maxObservedIncomingRate, perSecond);

    private static void RaiseToAtLeast(ref int field, int value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {describe()}.");
            }

            await Task.Delay(20);
        }
    }
}
