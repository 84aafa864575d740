using System.Net;
using KlineAspire.Ingestor.Subscriptions;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Integration;

/// <summary>Symbols chosen by pattern from the simulator's exchangeInfo, and what happens when REST is down at startup.</summary>
public class SymbolSelectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    internal static readonly List<string> Universe =
        ["BTCUSDT", "ETHUSDT", "SOLUSDT", "LUNAUSDT:BREAK", "ETHBTC", "BTCFDUSD", "BNBFDUSD", "BTTCTRY:HALT"];

    [Fact]
    public async Task Literals_and_patterns_select_exactly_the_listed_trading_symbols()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["*USDT", "ETHBTC", "BTC*"], ["1m", "1h"],
            RestSettings.Of(simulator));

        // Not LUNAUSDT (BREAK), BTTCTRY (HALT) or BNBFDUSD (matched by nothing).
        string[] expected = ["BTCFDUSD", "BTCUSDT", "ETHBTC", "ETHUSDT", "SOLUSDT"];
        var streams = expected.SelectMany(symbol => new[] { $"{symbol.ToLowerInvariant()}@kline_1m", $"{symbol.ToLowerInvariant()}@kline_1h" }).Order()
            .ToList();
        await simulator.WaitForSubscribedStreamsAsync(streams.Count, Timeout);
        Assert.Equal(streams, simulator.SubscribedStreams.Order());

        foreach (var symbol in expected)
        {
            await simulator.PublishAsync(Candles.Make(symbol, "1m", 1));
        }

        var metrics = await ingestor.WaitForMetricsAsync(m => m.All("kline_close_price").Count() == expected.Length, "every selected symbol has a price",
            Timeout);
        Assert.Equal(expected, metrics.All("kline_close_price").Select(s => s.Labels["symbol"]).Order());
        Assert.Equal(expected, metrics.All("kline_feed_up", ("interval", "1h")).Select(s => s.Labels["symbol"]).Order());
        Assert.Equal(streams.Count, metrics.Value("kline_ingestor_configured_streams"));
        Assert.Equal(1, metrics.Sum("kline_ingestor_symbol_refreshes_total", ("result", "success")));
        Assert.NotNull(metrics.Value("kline_ingestor_symbol_refresh_last_success_timestamp_seconds"));
        Assert.True(metrics.Value("kline_ingestor_rest_used_weight") >= 20);
    }

    [Fact]
    public async Task A_pattern_that_matches_nothing_is_a_warning_naming_it()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["*EUR", "ETHBTC"], ["1m"], RestSettings.Of(simulator));

        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        Assert.Contains(ingestor.Logs.GetSnapshot(),
            r => r.Level == LogLevel.Warning && r.Message.Contains("Binance:Symbols:0 = '*EUR' matches no symbol", StringComparison.Ordinal));
        Assert.Equal(["ethbtc@kline_1m"], simulator.SubscribedStreams);
    }

    [Fact]
    public async Task An_unlisted_literal_symbol_stops_the_start_naming_key_and_value()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);

        var error = await Assert.ThrowsAsync<UnknownSymbolsException>(() =>
            RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "*USDT", "NOPEUSDT"], ["1m"], RestSettings.Of(simulator)));

        Assert.Contains("Binance:Symbols:2 = 'NOPEUSDT' is not listed", Assert.Single(error.Failures));
        Assert.Equal(0, simulator.ConnectionAttempts);
    }

    [Fact]
    public async Task Literal_symbols_start_with_a_warning_when_rest_is_down()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);
        simulator.Faults.RestFailsWith = 503;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m"], RestSettings.Of(simulator));

        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        Assert.Contains(ingestor.Logs.GetSnapshot(),
            r => r.Level == LogLevel.Warning && r.Message.Contains("literal symbols unchecked", StringComparison.Ordinal)
                && r.Message.Contains("HTTP 503", StringComparison.Ordinal));
        var (_, body) = await ingestor.HealthAsync();
        Assert.DoesNotContain("exchangeInfo", body);
    }

    [Fact]
    public async Task Patterns_wait_for_rest_at_startup_with_readiness_saying_why_and_start_when_it_answers()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);
        simulator.Faults.RestFailsWith = 503;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["*USDT"], ["1m"],
            RestSettings.Of(simulator, ("Binance:StartupGrace", "00:00:00.001")));

        await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_symbol_refreshes_total", ("result", "failure")) >= 3, "exchangeInfo is retried", Timeout);
        var (status, body) = await ingestor.HealthAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains($"waiting for exchangeInfo from {simulator.HttpBaseUri}api/v3/exchangeInfo: HTTP 503", body);
        Assert.Equal(HttpStatusCode.OK, (await ingestor.HealthAsync("/alive")).Status);
        Assert.Equal(0, simulator.ConnectionAttempts);

        simulator.Faults.RestFailsWith = null;
        await simulator.WaitForSubscribedStreamsAsync(3, Timeout);
        Assert.Equal(["btcusdt@kline_1m", "ethusdt@kline_1m", "solusdt@kline_1m"], simulator.SubscribedStreams.Order());
        (_, body) = await ingestor.HealthAsync();
        Assert.DoesNotContain("waiting for exchangeInfo", body);
    }

    [Fact]
    public async Task Literals_started_unchecked_are_checked_when_rest_answers_and_an_unlisted_one_then_stops_the_ingestor()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);
        simulator.Faults.RestFailsWith = 503;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "NOPEUSDT"], ["1m"],
            RestSettings.Of(simulator, ("Binance:RestRetryBaseDelay", "00:00:00.100"), ("Binance:RestRetryMaxDelay", "00:00:00.500")));
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_symbol_refreshes_total", ("result", "failure")) >= 2, "exchangeInfo is retried", Timeout);
        // Unchecked literals do not hold readiness: only patterns wait for exchangeInfo.
        Assert.DoesNotContain("exchangeInfo", (await ingestor.HealthAsync()).Body);
        Assert.False(ingestor.App.Lifetime.ApplicationStopping.IsCancellationRequested);

        simulator.Faults.RestFailsWith = null;
        await SimulatorHost.WaitUntilAsync(() => ingestor.App.Lifetime.ApplicationStopping.IsCancellationRequested,
            "the ingestor stops on the unlisted literal", Timeout);
        Assert.Contains(ingestor.Logs.GetSnapshot(),
            r => r.Level == LogLevel.Critical && r.Message.Contains("Binance:Symbols:1 = 'NOPEUSDT' is not listed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listed_literals_started_unchecked_keep_streaming_once_rest_answers_and_rest_is_then_left_alone()
    {
        await using var simulator = await SimulatorHost.StartAsync(options => options.Symbols = Universe);
        simulator.Faults.RestFailsWith = 503;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT", "ETHUSDT"], ["1m"],
            RestSettings.Of(simulator, ("Binance:RestRetryBaseDelay", "00:00:00.100"), ("Binance:RestRetryMaxDelay", "00:00:00.500"),
                ("Binance:SymbolRefreshInterval", "00:00:00.500")));
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

        simulator.Faults.RestFailsWith = null;
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_symbol_refreshes_total", ("result", "success")) == 1,
            "exchangeInfo answers once", Timeout);
        var reads = metrics.Sum("kline_ingestor_symbol_refreshes_total");
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        metrics = await ingestor.ScrapeAsync();

        // Checked once: no refresh follows, whatever the interval, and nothing stopped or reconnected.
        Assert.Equal(reads, metrics.Sum("kline_ingestor_symbol_refreshes_total"));
        Assert.False(ingestor.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(["btcusdt@kline_1m", "ethusdt@kline_1m"], simulator.SubscribedStreams.Order());
        Assert.Equal(1, simulator.ConnectionAttempts);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
    }
}
