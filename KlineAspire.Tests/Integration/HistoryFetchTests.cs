using System.Globalization;
using System.Net;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.History;
using KlineAspire.Ingestor.Subscriptions;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Fetching history within Binance's REST weight, against the simulator's limit: a large selection never goes over the
/// ingestor's budget, a 429 is waited out rather than hammered into a ban, and a symbol REST does not know is skipped
/// with a warning.
/// </summary>
public class HistoryFetchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static Dictionary<string, string> HistorySettings(BinanceSimulator simulator, int candles) => new()
    {
        ["Binance:RestEndpoint"] = simulator.HttpBaseUri.ToString(),
        ["Binance:HistoryCandles"] = candles.ToString(CultureInfo.InvariantCulture),
        // Retries 1, 2, 4 and 8 s apart: a stream is given up only after 15 s of failures, longer than a test holds a fault.
        ["Binance:RestRetryBaseDelay"] = "00:00:01",
        ["Binance:RestRetryMaxDelay"] = "00:01:00",
    };

    private static async Task<string> HistoryStateAsync(RunningIngestor ingestor)
    {
        using var response = await ingestor.Http.GetAsync("/history", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Kline-History").Single();
    }

    [Fact]
    public async Task A_candle_that_ended_seconds_before_the_start_is_in_the_history_and_shown_closed_at_once()
    {
        // The start falls a second after the 10:00 candle ended. The feed subscribes after its end, so it never gets
        // that candle's final update: only REST can give it, once its final values are in.
        var tenOClock = DateTimeOffset.Parse("2026-11-30T10:00:00Z", CultureInfo.InvariantCulture);
        var time = new FakeTimeProvider(tenOClock + TimeSpan.FromSeconds(61));
        var cancellation = TestContext.Current.CancellationToken;
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(2), Symbols = ["BTCUSDT"] }, time, cancellation);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], HistorySettings(simulator, 5),
            builder => builder.Services.AddSingleton<TimeProvider>(time));
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);

        await SharedClockSteps.AdvanceToAsync(time, tenOClock + TimeSpan.FromSeconds(70), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(20), cancellation);
        var history = await IngestorHistory.CompleteAsync(ingestor);

        using var rest = SimulatorHttp.Client(simulator);
        var reply = await rest.GetRestAsync($"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={tenOClock.ToUnixTimeMilliseconds()}&limit=1");
        var tenOClockCandle = Assert.Single(reply.Json.EnumerateArray().ToList());
        var closeTimeMs = tenOClock.ToUnixTimeMilliseconds() + 59_999;
        // The history's newest candle is the 10:00 one: its forming close sample sits at its close time.
        var closes = HistorySamples.Parse(history.Body).Where(sample => sample.Name == "kline_close_price").ToList();
        Assert.Equal(closeTimeMs, closes[^1].UnixMs);
        Assert.Equal(KlineRowColumns.Number(tenOClockCandle[4]), closes[^1].Value);
        // And the live closed-candle gauges show it, with REST's values, before the feed closes a candle of its own.
        var metrics = await ingestor.ScrapeAsync();
        Assert.Equal(tenOClock.ToUnixTimeSeconds(), metrics.Kline("kline_closed_open_time_seconds", "BTCUSDT", "1m"));
        Assert.Equal(KlineRowColumns.Number(tenOClockCandle[4]), metrics.Kline("kline_closed_close_price", "BTCUSDT", "1m"));
    }

    [Fact]
    public async Task A_large_selection_never_goes_over_the_budget()
    {
        // 2,400 generated symbols, every eighth quoted in USDT: about 300 streams, 600 weight of klines plus exchangeInfo,
        // more than the ingestor's 600 a minute.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(2), SyntheticSymbols = 2_400 }, TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["*USDT"], ["1m"], HistorySettings(simulator, 5));

        await Eventually.MatchAsync(() => HistoryStateAsync(ingestor), state => state == "complete", Timeout, "every stream's history is in");

        var metrics = await ingestor.ScrapeAsync();
        var streams = metrics.Value("kline_ingestor_configured_streams");
        Assert.True(streams > 300, $"{streams} streams");
        Assert.Equal(streams, metrics.Value("kline_ingestor_history_streams", ("state", "done")));
        Assert.True(simulator.RestRequests.MaxWeightPerMinute <= 600, $"{simulator.RestRequests.MaxWeightPerMinute} weight in one minute");
        Assert.Equal((0, 0), (simulator.RestRequests.TooManyRequests, simulator.RestRequests.Banned));
    }

    [Fact]
    public async Task A_429_is_waited_out_and_the_history_completes_without_a_ban()
    {
        // exchangeInfo at startup (20) and eight klines requests (2 each) do not fit in the simulator's 30 a minute, far
        // below Binance's 6,000 that the budget assumes: a request meets a 429 with Retry-After until the next minute.
        // Started early in a minute, so that they all fall into it.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(2), RequestWeightPerMinute = 30 }, TestContext.Current.CancellationToken);
        if (DateTimeOffset.UtcNow.Second > 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second), TestContext.Current.CancellationToken);
        }

        string[] symbols = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT"];
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, ["1m", "1h"], HistorySettings(simulator, 5));

        await Eventually.MatchAsync(() => HistoryStateAsync(ingestor), state => state == "complete", Timeout, "every stream's history is in");

        var metrics = await ingestor.ScrapeAsync();
        Assert.Equal(8, metrics.Value("kline_ingestor_history_streams", ("state", "done")));
        // Asking again before Retry-After would meet 429 after 429, and after ten the simulator bans the address (418).
        Assert.InRange(simulator.RestRequests.TooManyRequests, 1, 2);
        Assert.Equal(0, simulator.RestRequests.Banned);
        Assert.Equal(0, metrics.Sum("kline_ingestor_history_requests_total", ("result", "failure")));
    }

    [Fact]
    public async Task A_rest_failure_is_logged_counted_and_tried_again_until_the_history_is_in()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(2) }, TestContext.Current.CancellationToken);
        simulator.Faults.RestFailsWith = 503;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], HistorySettings(simulator, 5));
        await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_history_requests_total", ("result", "failure")) >= 1, "a history request failed");
        Assert.Equal("partial", await HistoryStateAsync(ingestor));

        simulator.Faults.RestFailsWith = null;
        await Eventually.MatchAsync(() => HistoryStateAsync(ingestor), state => state == "complete", Timeout, "the history is in once REST answers");

        var metrics = await ingestor.ScrapeAsync();
        Assert.Equal(1, metrics.Value("kline_ingestor_history_streams", ("state", "done")));
        Assert.Equal(1, metrics.Sum("kline_ingestor_history_requests_total", ("result", "success")));
        Assert.Contains(ingestor.Logs.GetSnapshot(), record => record.Level == LogLevel.Warning
            && record.Message.StartsWith("History of btcusdt@kline_1m failed (HTTP 503", StringComparison.Ordinal) && record.Message.Contains("trying again in", StringComparison.Ordinal));
        Assert.Contains(ingestor.Logs.GetSnapshot(), record => record.Message.StartsWith("History complete: 1 streams done, 0 failed, 0 skipped; 5 closed candles", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_symbol_rest_does_not_know_is_skipped_with_a_warning()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(2), Symbols = ["BTCUSDT"] }, cancellation);
        await using var services = new ServiceCollection().AddHttpClient().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new BinanceOptions { RestEndpoint = simulator.HttpBaseUri.ToString(), HistoryCandles = 5 });
        var store = new KlineStore();
        store.Add([([new StreamId("BTCUSDT", "1m"), new StreamId("NOPEUSDT", "1m")], new FeedCoverage())]);
        var book = new HistoryBook();
        var logs = new FakeLogCollector();
        using var fetch = new HistoryFetchService(options, store,
            new KlinesClient(services.GetRequiredService<IHttpClientFactory>(), new RestWeightBudget(BinanceLimits.ExchangeInfoWeight, TimeProvider.System), options),
            book, new HistoryMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), book), TimeProvider.System,
            new FakeLogger<HistoryFetchService>(logs));

        await fetch.StartAsync(cancellation);
        await Eventually.MatchAsync(() => Task.FromResult(book.Streams.Count == 2 && book.IsComplete), complete => complete, TimeSpan.FromSeconds(30), "both streams are settled");
        await fetch.StopAsync(cancellation);

        Assert.Equal([("BTCUSDT", HistoryState.Done, 5), ("NOPEUSDT", HistoryState.Skipped, 0)], book.Streams.Select(s => (s.Stream.Symbol, s.State, s.Candles.Count)));
        var warning = Assert.Single(logs.GetSnapshot(), record => record.Level == LogLevel.Warning);
        Assert.Equal("History of nopeusdt@kline_1m skipped: REST does not know its symbol (HTTP 400 Invalid symbol.)", warning.Message);
    }
}
