using KlineAspire.Ingestor.Feed;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Integration.Faults;

/// <summary>
/// <c>Binance:ConnectTimeout</c> is the handshake's deadline end to end: Websocket.Client's own (5 s unless told) does
/// not cut a slower handshake short. The server answers 7 s after the TCP connection is accepted, through a proxy that
/// holds the handshake request that long; the wait is real time, because the deadline is a real-time one in the client.
/// </summary>
public class ConnectTimeoutTests
{
    private static readonly TimeSpan HandshakeDelay = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_handshake_answered_after_7_s_succeeds_with_a_10_s_connect_timeout()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var proxy = new DelayingTcpProxy(simulator.WebSocketBaseUri, HandshakeDelay);
        await using var ingestor = await RunningIngestor.StartAsync(proxy.Address, ["BTCUSDT"], ["1m"],
            new Dictionary<string, string> { ["Binance:ConnectTimeout"] = "00:00:10" });

        var first = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_connection_attempts_total") >= 1,
            "the first connection attempt has an outcome", Timeout);
        Assert.Equal(0, first.Value("kline_ingestor_connection_attempts_total", ("result", "failure")) ?? 0);
        Assert.Equal(1, first.Value("kline_ingestor_connection_attempts_total", ("result", "success")));
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Value("kline_ingestor_subscribed_streams") == 1, "the stream is subscribed", Timeout);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(1, proxy.Accepted);
        Assert.Equal(1, simulator.ConnectionAttempts);
    }

    [Fact]
    public async Task A_handshake_answered_after_7_s_fails_with_a_3_s_connect_timeout_and_counts_as_a_failed_attempt()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var proxy = new DelayingTcpProxy(simulator.WebSocketBaseUri, HandshakeDelay);
        await using var ingestor = await RunningIngestor.StartAsync(proxy.Address, ["BTCUSDT"], ["1m"],
            new Dictionary<string, string> { ["Binance:ConnectTimeout"] = "00:00:03" });

        var metrics = await ingestor.WaitForMetricsAsync(
            m => m.Value("kline_ingestor_connection_attempts_total", ("result", "failure")) >= 1,
            "the first handshake times out", Timeout);
        Assert.Equal(0, metrics.Value("kline_ingestor_connection_attempts_total", ("result", "success")) ?? 0);
        Assert.True(metrics.Value("kline_ingestor_reconnects_total", ("reason", DisconnectReason.ConnectFailed.ToLabel())) >= 1);
        Assert.Equal(0, metrics.Value("kline_ingestor_subscribed_streams"));
        // The log says which deadline ran out, not "The operation was canceled".
        Assert.Contains(ingestor.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning
            && r.Message.Contains("no WebSocket handshake within 00:00:03 (Binance:ConnectTimeout)", StringComparison.Ordinal));
    }
}
