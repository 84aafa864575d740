using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.Testing;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// The whole system as <c>dotnet run --project KlineAspire.AppHost -- --Feed simulated</c> starts it: simulator →
/// ingestor → Prometheus (the local binary), read back through Prometheus' query API.
/// </summary>
public class EndToEndTests
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ListingTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_returns_exactly_what_the_simulator_last_sent_for_every_stream()
    {
        ExternalTool.Prometheus.Require();
        var ct = TestContext.Current.CancellationToken;
        string[] symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
        string[] intervals = ["1m", "1h"];
        await using var app = await SimulatedStack.StartAsync(symbols, intervals);

        // Let the random walk run, then freeze it so "what the simulator last sent" is a fixed target.
        using var simulator = app.CreateHttpClient("binance-simulator");
        await Eventually.MatchAsync(() => LastSentAsync(simulator), last => last.Count == symbols.Length * intervals.Length, DataTimeout,
            "the simulator feeds every stream");
        using (var pause = await simulator.PostAsync("/api/feed/pause", content: null, ct))
        {
            pause.EnsureSuccessStatusCode();
        }

        var expected = await LastSentAsync(simulator);
        using var prometheus = app.CreateHttpClient("prometheus");
        var series = await Eventually.MatchAsync(
            async () => (await PrometheusApi.QueryAsync(prometheus, "kline_close_price")).Select(r => new Series(r.Labels, r.Value)).ToList(),
            result => result.Count == expected.Count && expected.All(c => result.Any(r =>
                r.Labels["symbol"] == c.Symbol && r.Labels["interval"] == c.Interval && r.Value == Candles.AsDouble(c.Close))),
            DataTimeout,
            $"Prometheus shows the last close of every stream: {string.Join(", ", expected.Select(c => $"{c.Symbol}/{c.Interval}={c.Close}"))}");
        Assert.All(series, s => Assert.Equal("ingestor", s.Labels["job"]));

        var up = await PrometheusApi.QueryAsync(prometheus, "up{job=\"ingestor\"}");
        Assert.Equal(1, Assert.Single(up).Value);
        // Counters are stored without the _created series an OpenMetrics scrape adds to each.
        Assert.NotEmpty(await PrometheusApi.QueryAsync(prometheus, "kline_ingestor_messages_received_total"));
        Assert.Empty(await PrometheusApi.QueryAsync(prometheus, "{__name__=~\".+_created\"}"));

        // The shipped alerting rules are loaded, and a healthy live feed fires none of them. Every alert waits out a
        // `for:` of minutes before it fires, so look at pending ones too, and only once every rule has been evaluated on
        // the data above: two evaluation intervals (1 s here) later, the slot an evaluation queries is past it too.
        var rules = await PrometheusRules.WaitForEvaluationAfterAsync(prometheus, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2), DataTimeout);
        Assert.All(PrometheusRules.ShippedAlerts(), alert => Assert.Contains(rules, rule => rule.Name == alert && rule.Type == "alerting"));
        Assert.All(rules, rule => Assert.True(rule.Health == "ok", rule.ToString()));
        var alerts = await PrometheusApi.QueryAsync(prometheus, "ALERTS{alertstate=~\"pending|firing\"}");
        Assert.True(alerts.Count == 0, string.Join(Environment.NewLine, alerts.Select(a => string.Join(',', a.Labels.Select(l => $"{l.Key}={l.Value}")))));

        // A clean start shows no red in the dashboard: the ingestor logged nothing at Error or above, startup included.
        // Logs are kept per instance: read the running instance's, not the model name's.
        var running = await app.ResourceNotifications.WaitForResourceHealthyAsync("ingestor", TestContext.Current.CancellationToken);
        var logs = await ResourceConsole.ReadAsync(app, running.ResourceId);
        Assert.True(logs.Any(line => line.Contains("subscribed", StringComparison.Ordinal)),
            $"{logs.Count} lines: {string.Join(Environment.NewLine, logs.Take(20))}");
        Assert.DoesNotContain(logs, ResourceConsole.IsError);
    }

    /// <summary>
    /// Symbol patterns through the AppHost (<c>Market:Symbols</c>, <c>--Feed simulated</c> pointing the ingestor's REST
    /// at the simulator), as listings come and go.
    /// </summary>
    [Fact]
    public async Task Prometheus_follows_the_symbols_a_pattern_selects_as_they_are_listed_and_delisted()
    {
        ExternalTool.Prometheus.Require();
        var ct = TestContext.Current.CancellationToken;
        // No history: its imported samples would show every symbol before the first scrape, so a symbol delisted before
        // Prometheus scraped it would get no staleness marker and stay visible for the 5-minute look-back.
        await using var app = await SimulatedStack.StartAsync(["*USDT", "ETHBTC"], ["1m"], appHost =>
            appHost.CreateResourceBuilder<ProjectResource>("ingestor").WithEnvironment("Binance__SymbolRefreshInterval", "00:00:02")
                .WithEnvironment("Binance__HistoryCandles", "0"));
        using var simulator = app.CreateHttpClient("binance-simulator");
        using var prometheus = app.CreateHttpClient("prometheus");

        // The simulator's default universe: every TRADING *USDT symbol, not LUNAUSDT (BREAK), plus the literal.
        string[] expected = ["ADAUSDT", "BNBUSDT", "BTCUSDT", "DOGEUSDT", "ETHBTC", "ETHUSDT", "SOLUSDT", "XRPUSDT"];
        await WaitForSymbolsAsync(prometheus, expected, "Prometheus shows every selected symbol");

        using (var listed = await simulator.PostAsJsonAsync("/api/symbols", new { symbol = "NEWUSDT" }, ct))
        {
            listed.EnsureSuccessStatusCode();
        }

        using (var delisted = await simulator.DeleteAsync("/api/symbols/BNBUSDT", ct))
        {
            delisted.EnsureSuccessStatusCode();
        }

        await WaitForSymbolsAsync(prometheus, [.. expected.Where(s => s != "BNBUSDT").Append("NEWUSDT").Order(StringComparer.Ordinal)],
            "Prometheus shows the listing and no longer the delisted symbol");
        var refreshes = await PrometheusApi.QueryAsync(prometheus, "kline_ingestor_symbol_refreshes_total{result=\"success\"}");
        Assert.True(Assert.Single(refreshes).Value >= 2);
    }

    /// <summary>
    /// The offline exchange lists what the market asks for: literal symbols it has never heard of, and a pattern's
    /// selection from a synthetic universe of the chosen size. Before it did, the ingestor stopped at startup with
    /// "'S272USDT' is not listed by exchangeInfo".
    /// </summary>
    [Fact]
    public async Task An_offline_run_streams_custom_symbols_and_a_pattern_over_the_synthetic_universe()
    {
        ExternalTool.Prometheus.Require();
        var ct = TestContext.Current.CancellationToken;
        // 24 synthetic symbols: three bases (S0, S1, S2) in each of the eight quote assets, so *BNB selects three of them;
        // nothing in the default universe ends in BNB.
        await using var app = await SimulatedStack.StartAsync(["S272USDT", "abcbtc", "*BNB"], ["1m"], settings: ["--Simulator:SyntheticSymbols=24"]);
        // In ordinal order, as the assertions sort: '7' comes before 'B'.
        string[] expected = ["ABCBTC", "S0BNB", "S1BNB", "S272USDT", "S2BNB"];

        using var simulator = app.CreateHttpClient("binance-simulator");
        await Eventually.MatchAsync(() => LastSentAsync(simulator), last => last.Count == expected.Length, DataTimeout,
            "the simulator feeds every selected stream");
        // Degraded (started, no kline yet) already counts as healthy to Aspire; data flowing on every stream is Healthy.
        using var ingestor = app.CreateHttpClient("ingestor");
        await Eventually.MatchAsync(
            async () => JsonDocument.Parse(await ingestor.GetStringAsync("/health", ct)).RootElement.GetProperty("status").GetString(),
            status => status == "Healthy", DataTimeout, "the ingestor reports Healthy");
        using (var pause = await simulator.PostAsync("/api/feed/pause", content: null, ct))
        {
            pause.EnsureSuccessStatusCode();
        }

        var lastSent = await LastSentAsync(simulator);
        Assert.Equal(expected, lastSent.Select(c => c.Symbol).Order(StringComparer.Ordinal));
        bool ShowsLastSent(IEnumerable<(string Symbol, double Close)> closes) =>
            closes.Select(c => $"{c.Symbol}={c.Close}").Order(StringComparer.Ordinal)
                .SequenceEqual(lastSent.Select(c => $"{c.Symbol}={Candles.AsDouble(c.Close)}").Order(StringComparer.Ordinal));
        var because = $"the last close of every stream: {string.Join(", ", lastSent.Select(c => $"{c.Symbol}={c.Close}"))}";

        await Eventually.MatchAsync(
            async () => MetricsText.Parse(await ingestor.GetStringAsync("/metrics", ct)).All("kline_close_price").Select(s => (s.Labels["symbol"], s.Value))
                .ToList(),
            ShowsLastSent, DataTimeout, $"the ingestor's /metrics shows {because}");
        using var prometheus = app.CreateHttpClient("prometheus");
        await Eventually.MatchAsync(
            async () => (await PrometheusApi.QueryAsync(prometheus, "kline_close_price")).Select(r => (r.Labels["symbol"], r.Value)).ToList(),
            ShowsLastSent, DataTimeout, $"Prometheus shows {because}");
    }

    private static Task WaitForSymbolsAsync(HttpClient prometheus, string[] symbols, string because) =>
        Eventually.MatchAsync(
            async () => (await PrometheusApi.QueryAsync(prometheus, "kline_close_price")).Select(r => r.Labels["symbol"]).Order(StringComparer.Ordinal)
                .ToList(),
            result => result.SequenceEqual(symbols),
            ListingTimeout,
            $"{because}: {string.Join(',', symbols)}");

    private sealed record Series(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public override string ToString() => $"{Labels["symbol"]}/{Labels["interval"]}={Value} ({string.Join(',', Labels.Select(l => $"{l.Key}={l.Value}"))})";
    }

    private static async Task<List<KlineCandle>> LastSentAsync(HttpClient simulator) =>
        await simulator.GetFromJsonAsync<List<KlineCandle>>("/api/last", JsonSerializerOptions.Web, TestContext.Current.CancellationToken) ?? [];
}
