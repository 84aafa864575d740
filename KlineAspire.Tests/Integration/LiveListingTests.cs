using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Listings and delistings while data flows: the simulator's universe changes at run time and the ingestor follows
/// it on the connections it has, within Binance's limits, without reconnecting anything.
/// </summary>
public class LiveListingTests
{
    private const int MaxStreams = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Task<BinanceSimulator> StartSimulatorAsync() => SimulatorHost.StartAsync(options =>
    {
        options.Symbols = ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT", "ETHBTC"];
        options.UpdatePeriod = TimeSpan.FromMilliseconds(200);
    });

    private static Task<RunningIngestor> StartIngestorAsync(BinanceSimulator simulator, params (string Key, string Value)[] more) =>
        RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["*USDT"], ["1m", "1h"], RestSettings.Of(simulator,
        [
            ("Binance:SymbolRefreshInterval", "00:00:02"),
            ("Binance:MaxStreamsPerConnection", MaxStreams.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. more,
        ]));

    private static bool Priced(MetricsText metrics, string symbol) =>
        metrics.Kline("kline_close_price", symbol, "1m") is not null && metrics.Kline("kline_close_price", symbol, "1h") is not null;

    private static bool Gone(MetricsText metrics, string symbol) => !metrics.Samples.Any(s => s.Labels.TryGetValue("symbol", out var value) && value == symbol);

    [Fact]
    public async Task New_listings_join_connections_with_room_and_delisted_symbols_are_unsubscribed_and_leave_metrics()
    {
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await StartIngestorAsync(simulator);
        await simulator.WaitForSubscribedStreamsAsync(8, Timeout);
        await ingestor.WaitForMetricsAsync(m => new[] { "AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT" }.All(s => Priced(m, s)), "the first symbols flow", Timeout);
        var first = simulator.Connections.Select(c => c.Id).ToList();
        Assert.Equal(2, first.Count);

        // Both connections are full: the listing gets a connection of its own.
        simulator.Symbols.List(new ExchangeSymbol("EEEUSDT", "TRADING", "EEE", "USDT"));
        await ingestor.WaitForMetricsAsync(m => Priced(m, "EEEUSDT"), "the new listing flows", Timeout);
        Assert.Equal(3, simulator.OpenConnections);

        // A delisting and a halt: both stop trading, both leave.
        simulator.Symbols.Delist("BBBUSDT");
        simulator.Symbols.List(new ExchangeSymbol("CCCUSDT", "BREAK", "CCC", "USDT"));
        var metrics = await ingestor.WaitForMetricsAsync(m => Gone(m, "BBBUSDT") && Gone(m, "CCCUSDT"), "the delisted series leave /metrics", Timeout);
        Assert.Equal(6, metrics.Value("kline_ingestor_configured_streams"));
        await SimulatorHost.WaitUntilAsync(() => simulator.SubscribedStreams.Count == 6, "the server carries only the remaining streams", Timeout);
        Assert.DoesNotContain(simulator.SubscribedStreams,
            s => s.StartsWith("bbbusdt", StringComparison.Ordinal) || s.StartsWith("cccusdt", StringComparison.Ordinal));

        // The room the removals freed takes the next listing: no new connection.
        simulator.Symbols.List(new ExchangeSymbol("FFFUSDT", "TRADING", "FFF", "USDT"));
        metrics = await ingestor.WaitForMetricsAsync(m => Priced(m, "FFFUSDT"), "the next listing flows", Timeout);
        Assert.Equal(3, simulator.OpenConnections);
        Assert.Equal(8, metrics.Value("kline_ingestor_configured_streams"));
        Assert.Equal(8, metrics.Value("kline_ingestor_subscribed_streams"));
        Assert.True(Priced(metrics, "AAAUSDT") && Priced(metrics, "DDDUSDT") && Priced(metrics, "EEEUSDT"));

        // Nothing reconnected, and no limit was ever pushed.
        Assert.Equal(3, simulator.ConnectionAttempts);
        Assert.Subset(simulator.Connections.Select(c => c.Id).ToHashSet(), first.ToHashSet());
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.All(simulator.Connections, c => Assert.InRange(c.Streams.Count, 1, MaxStreams));
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Equal(0, simulator.StreamLimitViolations);
        Assert.InRange(simulator.MaxObservedIncomingMessagesPerSecond, 1, 5);
    }

    [Fact]
    public async Task When_rest_fails_during_a_refresh_the_last_known_set_stays_and_the_next_success_catches_up()
    {
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await StartIngestorAsync(simulator);
        await simulator.WaitForSubscribedStreamsAsync(8, Timeout);

        simulator.Faults.RestFailsWith = 503;
        simulator.Symbols.Delist("AAAUSDT");
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_symbol_refreshes_total", ("result", "failure")) >= 2, "refreshes fail",
            Timeout);
        Assert.Equal(8, metrics.Value("kline_ingestor_configured_streams"));
        Assert.Contains(ingestor.Logs.GetSnapshot(), r => r.Message.Contains("the last known set of 8 streams stays in force", StringComparison.Ordinal));
        // A known set is in force: readiness does not wait for exchangeInfo again.
        Assert.DoesNotContain("waiting for exchangeInfo", (await ingestor.HealthAsync()).Body);
        var before = metrics.Value("kline_ingestor_messages_received_total");
        await ingestor.WaitForMetricsAsync(m => m.Value("kline_ingestor_messages_received_total") > before, "data keeps flowing", Timeout);

        simulator.Faults.RestFailsWith = null;
        metrics = await ingestor.WaitForMetricsAsync(m => Gone(m, "AAAUSDT"), "the delisting is applied after REST is back", Timeout);
        Assert.Equal(6, metrics.Value("kline_ingestor_configured_streams"));
        Assert.Equal(2, simulator.ConnectionAttempts);
        Assert.Equal(0, simulator.RateLimitViolations);
    }

    [Fact]
    public async Task Listings_past_the_runs_room_are_deferred_with_a_warning_and_never_fold_into_an_overflow_series()
    {
        await using var simulator = await StartSimulatorAsync();
        // Four *USDT symbols at startup and room for one more: 5 symbols × 2 intervals = 10 distinct streams this run.
        await using var ingestor = await StartIngestorAsync(simulator, ("Binance:ListingHeadroom", "1"));
        await simulator.WaitForSubscribedStreamsAsync(8, Timeout);

        simulator.Symbols.List(new ExchangeSymbol("EEEUSDT", "TRADING", "EEE", "USDT"));
        await ingestor.WaitForMetricsAsync(m => Priced(m, "EEEUSDT"), "the listing within the headroom flows", Timeout);

        simulator.Symbols.List(new ExchangeSymbol("FFFUSDT", "TRADING", "FFF", "USDT"));
        var metrics = await ingestor.WaitForMetricsAsync(m => m.Value("kline_ingestor_deferred_streams") == 2, "the listing past the headroom is deferred",
            Timeout);
        Assert.True(Gone(metrics, "FFFUSDT"));
        Assert.Equal(10, metrics.Value("kline_ingestor_configured_streams"));
        Assert.Contains(ingestor.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning
            && r.Message.StartsWith("2 selected streams are not subscribed: this run has room for 10 distinct streams (4 symbols selected at startup + "
                + "ListingHeadroom 1, × 2 intervals)", StringComparison.Ordinal));

        // A symbol that leaves keeps its room for the run (its metric points stay allocated): the room is not handed to
        // the deferred listing, and the symbol's return takes no new room.
        simulator.Symbols.Delist("BBBUSDT");
        await ingestor.WaitForMetricsAsync(m => Gone(m, "BBBUSDT"), "the delisting is applied", Timeout);
        simulator.Symbols.List(new ExchangeSymbol("BBBUSDT", "TRADING", "BBB", "USDT"));
        metrics = await ingestor.WaitForMetricsAsync(m => Priced(m, "BBBUSDT"), "the returning symbol flows again", Timeout);
        Assert.Equal(2, metrics.Value("kline_ingestor_deferred_streams"));
        Assert.True(Gone(metrics, "FFFUSDT"));

        Assert.DoesNotContain("otel_metric_overflow", await ingestor.ScrapeRawAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(simulator.SubscribedStreams, s => s.StartsWith("fffusdt", StringComparison.Ordinal));
        Assert.Equal(0, metrics.Sum("kline_ingestor_reconnects_total"));
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Equal(0, simulator.StreamLimitViolations);
    }

    [Fact]
    public async Task A_real_prometheus_gets_new_listings_and_loses_delisted_symbols_while_data_flows()
    {
        ExternalTool.Prometheus.Require();
        await using var simulator = await StartSimulatorAsync();
        await using var ingestor = await StartIngestorAsync(simulator);
        await simulator.WaitForSubscribedStreamsAsync(8, Timeout);
        await using var prometheus = await PrometheusServer.StartAsync("ingestor", ingestor.BaseAddress, TimeSpan.FromMilliseconds(500));

        async Task<string[]> SymbolsInPrometheusAsync(string promql) =>
            [.. (await prometheus.QueryAsync(promql)).Select(s => $"{s.Labels["symbol"]}@{s.Labels["interval"]}").Order(StringComparer.Ordinal)];
        static string[] Streams(params string[] symbols) => [.. symbols.SelectMany(s => new[] { $"{s}@1h", $"{s}@1m" }).Order(StringComparer.Ordinal)];

        await Eventually.MatchAsync(() => SymbolsInPrometheusAsync("kline_close_price"),
            s => s.SequenceEqual(Streams("AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT")), Timeout, "Prometheus has the first symbols");

        simulator.Symbols.List(new ExchangeSymbol("EEEUSDT", "TRADING", "EEE", "USDT"));
        simulator.Symbols.Delist("BBBUSDT");

        // A delisted stream's series end with a staleness marker at the next scrape: gone from instant queries, prices and feed state alike.
        var expected = Streams("AAAUSDT", "CCCUSDT", "DDDUSDT", "EEEUSDT");
        await Eventually.MatchAsync(() => SymbolsInPrometheusAsync("kline_close_price"), s => s.SequenceEqual(expected), Timeout,
            "Prometheus gets the listing and loses the delisting");
        Assert.Equal(expected, await SymbolsInPrometheusAsync("kline_feed_up == 1"));
        Assert.Empty(await prometheus.QueryAsync("kline_feed_up{symbol=\"BBBUSDT\"}"));
        Assert.Equal(8, Assert.Single(await prometheus.QueryAsync("kline_ingestor_configured_streams")).Value);
        Assert.Equal(0, Assert.Single(await prometheus.QueryAsync("sum(kline_ingestor_reconnects_total) or vector(0)")).Value);
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Equal(0, simulator.StreamLimitViolations);
    }
}
