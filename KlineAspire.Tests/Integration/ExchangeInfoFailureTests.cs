using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// exchangeInfo that breaks off in the middle of its body, by a reset or by going silent, at startup and during
/// refreshes: each read is a failed refresh (counted with its reason, logged, retried after backoff), and the
/// ingestor keeps running, serving /metrics and streaming.
/// </summary>
public class ExchangeInfoFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<ExchangeInfoServer.Answer, string> BrokenAnswers => new()
    {
        { ExchangeInfoServer.Answer.ResetMidBody, "transport" },
        { ExchangeInfoServer.Answer.StallMidBody, "timeout" },
    };

    private static Task<BinanceSimulator> StartSimulatorAsync() => SimulatorHost.StartAsync(options => options.Symbols = ["BTCUSDT", "ETHUSDT"]);

    private static Task<RunningIngestor> StartIngestorAsync(BinanceSimulator simulator, ExchangeInfoServer rest, string[] symbols,
        params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Binance:RestEndpoint"] = rest.BaseUri.ToString(),
            // Long enough for a loopback answer on a loaded machine, short enough to see a stalled body cut several times.
            ["Binance:RestTimeout"] = "00:00:02",
            ["Binance:RestRetryBaseDelay"] = "00:00:00.100",
            ["Binance:RestRetryMaxDelay"] = "00:00:00.500",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m"], settings);
    }

    private static double Failures(MetricsText metrics, string reason) =>
        metrics.Sum("kline_ingestor_symbol_refreshes_total", ("result", "failure"), ("reason", reason));

    private static double Successes(MetricsText metrics) => metrics.Sum("kline_ingestor_symbol_refreshes_total", ("result", "success"));

    private static bool Logged(RunningIngestor ingestor, LogLevel level, string text) =>
        ingestor.Logs.GetSnapshot().Any(r => r.Level == level && r.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>A broken answer is an expected failure of the network: at most one line each, no stack trace, nothing at Error.</summary>
    private static async Task AssertLoggedAsWarningsOnlyAsync(RunningIngestor ingestor, string reason)
    {
        // Logs first: each failure is counted before it is logged, so the count scraped next covers every line read.
        var rest = ingestor.Logs.GetSnapshot()
            .Where(r => r.Category is { } category
                && (category.Contains(".Subscriptions.", StringComparison.Ordinal) || category.StartsWith("System.Net.Http", StringComparison.Ordinal)))
            .Where(r => r.Level >= LogLevel.Warning)
            .ToList();
        var failures = Failures(await ingestor.ScrapeAsync(), reason);
        Assert.DoesNotContain(rest, r => r.Level >= LogLevel.Error || r.Exception is not null);
        Assert.InRange(rest.Count, 1, failures);
    }

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public async Task Patterns_wait_through_broken_answers_at_startup_and_start_when_exchangeInfo_answers(ExchangeInfoServer.Answer broken, string reason)
    {
        await using var simulator = await StartSimulatorAsync();
        await using var rest = ExchangeInfoServer.Start("BTCUSDT", "ETHUSDT");
        rest.Next = broken;
        await using var ingestor = await StartIngestorAsync(simulator, rest, ["*USDT"]);

        // The startup read and at least two retries, each counted with its reason.
        await ingestor.WaitForMetricsAsync(m => Failures(m, reason) >= 3, $"broken answers are counted as {reason}", Timeout);
        Assert.True(Logged(ingestor, LogLevel.Warning, "Still waiting for exchangeInfo"));
        await AssertLoggedAsWarningsOnlyAsync(ingestor, reason);
        Assert.Contains("waiting for exchangeInfo", (await ingestor.HealthAsync()).Body);
        Assert.False(ingestor.App.Lifetime.ApplicationStopping.IsCancellationRequested);

        rest.Next = ExchangeInfoServer.Answer.Complete;
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        Assert.Equal(["btcusdt@kline_1m", "ethusdt@kline_1m"], simulator.SubscribedStreams.Order());
        var metrics = await ingestor.WaitForMetricsAsync(m => Successes(m) == 1, "the healthy answer is counted", Timeout);
        Assert.NotNull(metrics.Value("kline_ingestor_symbol_refresh_last_success_timestamp_seconds"));
    }

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public async Task A_refresh_broken_mid_body_keeps_the_last_known_set_and_the_ingestor_running(ExchangeInfoServer.Answer broken, string reason)
    {
        await using var simulator = await StartSimulatorAsync();
        await using var rest = ExchangeInfoServer.Start("BTCUSDT", "ETHUSDT");
        await using var ingestor = await StartIngestorAsync(simulator, rest, ["*USDT"], ("Binance:SymbolRefreshInterval", "00:00:01"));
        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);

        rest.Next = broken;
        await ingestor.WaitForMetricsAsync(m => Failures(m, reason) >= 2, $"broken refreshes are counted as {reason}", Timeout);
        Assert.True(Logged(ingestor, LogLevel.Warning, "Symbol refresh failed: exchangeInfo from"));
        await AssertLoggedAsWarningsOnlyAsync(ingestor, reason);
        Assert.False(ingestor.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(["btcusdt@kline_1m", "ethusdt@kline_1m"], simulator.SubscribedStreams.Order());

        // The refresh loop is alive: a listing that appears once exchangeInfo answers again is followed.
        var before = Successes(await ingestor.ScrapeAsync());
        simulator.Symbols.List(new ExchangeSymbol("SOLUSDT", "TRADING", "SOL", "USDT"));
        rest.Body = ExchangeInfoServer.Listing("BTCUSDT", "ETHUSDT", "SOLUSDT");
        rest.Next = ExchangeInfoServer.Answer.Complete;
        await simulator.WaitForSubscribedStreamsAsync(3, Timeout);
        var metrics = await ingestor.WaitForMetricsAsync(m => Successes(m) > before, "the healthy answer is counted", Timeout);
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
    }

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public async Task Literal_symbols_start_and_stream_while_exchangeInfo_breaks_mid_body(ExchangeInfoServer.Answer broken, string reason)
    {
        await using var simulator = await StartSimulatorAsync();
        await using var rest = ExchangeInfoServer.Start("BTCUSDT", "ETHUSDT");
        rest.Next = broken;
        await using var ingestor = await StartIngestorAsync(simulator, rest, ["BTCUSDT", "ETHUSDT"]);

        await simulator.WaitForSubscribedStreamsAsync(2, Timeout);
        await simulator.PublishAsync(Candles.Make("BTCUSDT", "1m", 1));
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Kline("kline_close_price", "BTCUSDT", "1m") is not null && Failures(m, reason) >= 2,
            "the literal streams while exchangeInfo keeps failing", Timeout);
        Assert.Equal(Candles.AsDouble(Candles.Make("BTCUSDT", "1m", 1).Close), metrics.Kline("kline_close_price", "BTCUSDT", "1m"));
        Assert.True(Logged(ingestor, LogLevel.Warning, "literal symbols unchecked"));
        Assert.True(Logged(ingestor, LogLevel.Information, "literal symbols stream unchecked meanwhile"));
        Assert.False(ingestor.App.Lifetime.ApplicationStopping.IsCancellationRequested);
    }
}
