using System.Net;
using System.Net.Sockets;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using YamlDotNet.RepresentationModel;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// The container image's entrypoint, run here against the local Prometheus binary (no Docker on this machine): the
/// rendered template scrapes the ingestor it is pointed at and loads every shipped rule, as in Azure Container Apps.
/// </summary>
public class ContainerEntrypointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_image_entrypoint_scrapes_the_ingestor_target_and_loads_the_rules()
    {
        ExternalTool.Prometheus.Require();
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        var candle = Candles.Make("BTCUSDT", "1m", 42);
        await simulator.PublishAsync(candle);

        await using var prometheus = await PrometheusServer.StartThroughContainerEntrypointAsync(ingestor.BaseAddress.Authority, "500ms");

        var series = await Eventually.MatchAsync(() => prometheus.QueryAsync("kline_close_price"), r => r.Count == 1, Timeout,
            "the entrypoint's Prometheus scrapes the ingestor");
        Assert.Equal(Candles.AsDouble(candle.Close), series[0].Value);
        Assert.Equal("ingestor", series[0].Labels["job"]);
        // Every shipped rule is loaded and, evaluated on the scraped data, healthy: a rule reports "ok" only once evaluated.
        var rules = await PrometheusRules.WaitForEvaluationAfterAsync(prometheus.Http, DateTimeOffset.UtcNow, Timeout);
        Assert.All(PrometheusRules.ShippedAlerts(), alert => Assert.Contains(rules, rule => rule.Name == alert && rule.Type == "alerting"));
        Assert.Equal(PrometheusRules.ShippedRules().Order(StringComparer.Ordinal), rules.Select(rule => rule.Name).Order(StringComparer.Ordinal));
        Assert.All(rules, rule => Assert.True(rule.Health == "ok", $"{rule}{Environment.NewLine}{prometheus.Log}"));

        // The counters are stored; the _created samples OpenMetrics adds to each are not (one extra series per stream).
        await Eventually.MatchAsync(() => prometheus.QueryAsync("kline_candles_closed_total"), r => r.Count == 1, Timeout, "the per-stream counter is stored");
        Assert.Empty(await prometheus.QueryAsync("{__name__=~\".+_created\"}"));
    }

    [Fact]
    public async Task The_image_entrypoint_imports_the_ingestors_history_before_prometheus_serves()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var ct = TestContext.Current.CancellationToken;
        // The simulator's past exists only while its feed runs.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, ct);
        var beforeStart = DateTimeOffset.UtcNow;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], new Dictionary<string, string>
        {
            ["Binance:RestEndpoint"] = simulator.HttpBaseUri.ToString(),
            ["Binance:HistoryCandles"] = "30",
        });

        var target = ingestor.BaseAddress.Authority;
        await using var prometheus = await PrometheusServer.StartThroughContainerEntrypointAsync(target, "1s",
            new Dictionary<string, string> { ["HISTORY_WAIT"] = "90" });

        Assert.Contains(ImportLines(prometheus), line => line.StartsWith("History import: imported ", StringComparison.Ordinal));
        using var rest = SimulatorHttp.Client(simulator);
        var rows = (await rest.GetRestAsync("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=30")).Json.EnumerateArray()
            .Where(row => row[0].GetInt64() + 120_000 <= beforeStart.ToUnixTimeMilliseconds()).ToList();
        Assert.True(rows.Count >= 20, $"{rows.Count} candles before the start");
        var candle = rows[^5];
        // Half a minute into the candle's following interval, minutes before anything was scraped.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(candle[0].GetInt64() + 90_000);
        var series = await prometheus.QueryRangeAsync("kline_closed_close_price{symbol=\"BTCUSDT\",interval=\"1m\"}", at, at, TimeSpan.FromMinutes(1));
        var point = Assert.Single(Assert.Single(series).Points);
        Assert.Equal(double.Parse(candle[4].GetString()!, System.Globalization.CultureInfo.InvariantCulture), point.Value);
        // The labels the scrape gives the live samples: backfilled and live candles are one series.
        Assert.Equal("ingestor", series[0].Labels["job"]);
        Assert.Equal(target, series[0].Labels["instance"]);
        await Eventually.MatchAsync(() => prometheus.QueryAsync("kline_closed_close_price"), r => r.Count == 1 && r[0].Labels["instance"] == target,
            Timeout, "the live scrape continues the imported series");
    }

    [Fact]
    public async Task History_that_arrives_after_the_wait_is_imported_into_the_running_prometheus_before_its_first_scrape_only()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, ct);
        // REST is down when the ingestor starts: no history within the wait. Retries are slow enough not to give up first.
        simulator.Faults.RestFailsWith = 503;
        var beforeStart = DateTimeOffset.UtcNow;
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], new Dictionary<string, string>
        {
            ["Binance:RestEndpoint"] = simulator.HttpBaseUri.ToString(),
            ["Binance:HistoryCandles"] = "30",
            ["Binance:RestRetryBaseDelay"] = "00:00:05",
            ["Binance:RestRetryMaxDelay"] = "00:00:10",
        });
        var target = ingestor.BaseAddress.Authority;
        await using var prometheus = await PrometheusServer.StartThroughContainerEntrypointAsync(target, "1s",
            new Dictionary<string, string> { ["HISTORY_WAIT"] = "2", ["HISTORY_FOLLOW_EVERY"] = "2" });
        Assert.Equal(["History import: nothing to import (history partial, no samples)"], ImportLines(prometheus));

        simulator.Faults.RestFailsWith = null;

        await Eventually.MatchAsync(() => Task.FromResult(ImportLines(prometheus)), lines => lines.Count == 2, Timeout, "the follower imported the later history");
        Assert.Matches("^History import: imported [0-9]+ samples of history that arrived later$", ImportLines(prometheus)[1]);
        // Prometheus loads the new blocks at its next block reload, within a minute.
        using var rest = SimulatorHttp.Client(simulator);
        var rows = (await rest.GetRestAsync("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=30")).Json.EnumerateArray()
            .Where(row => row[0].GetInt64() + 120_000 <= beforeStart.ToUnixTimeMilliseconds()).ToList();
        var candle = rows[^5];
        var at = DateTimeOffset.FromUnixTimeMilliseconds(candle[0].GetInt64() + 90_000);
        var series = await Eventually.MatchAsync(
            () => prometheus.QueryRangeAsync("kline_closed_close_price{symbol=\"BTCUSDT\",interval=\"1m\"}", at, at, TimeSpan.FromMinutes(1)),
            found => found.Count == 1, TimeSpan.FromSeconds(150), "Prometheus serves the history imported while it ran");
        Assert.Equal(double.Parse(candle[4].GetString()!, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(series[0].Points).Value);
        Assert.Equal((target, "ingestor"), (series[0].Labels["instance"], series[0].Labels["job"]));

        // Nothing imported from the instant Prometheus could first scrape: no imported sample shares time with a live one.
        var state = File.ReadAllLines(Path.Combine(prometheus.WorkDirectory, "kline-history.state")).ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..]);
        var firstScrapeNotBefore = long.Parse(state["FIRST"], System.Globalization.CultureInfo.InvariantCulture) * 1000;
        var blocks = Directory.GetFiles(prometheus.WorkDirectory, "meta.json", SearchOption.AllDirectories)
            .Select(file => System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("maxTime").GetInt64()).ToList();
        Assert.NotEmpty(blocks);
        Assert.All(blocks, maxTime => Assert.True(maxTime <= firstScrapeNotBefore, $"an imported block ends at {maxTime}, after {firstScrapeNotBefore}"));
        var metrics = await ingestor.ScrapeAsync();
        Assert.Equal(1, metrics.Value("kline_ingestor_history_imports_total", ("result", "empty")));
        Assert.Equal(1, metrics.Value("kline_ingestor_history_imports_total", ("result", "imported")));
    }

    [Fact]
    public async Task An_unreachable_ingestor_delays_prometheus_by_the_bounded_wait_only_with_one_line_saying_why()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var closedPort = ClosedPort();

        await using var prometheus = await PrometheusServer.StartThroughContainerEntrypointAsync($"127.0.0.1:{closedPort}", "1s",
            new Dictionary<string, string> { ["HISTORY_WAIT"] = "3" });

        var line = Assert.Single(ImportLines(prometheus));
        Assert.Equal($"History import: skipped: http://127.0.0.1:{closedPort}/history did not answer within 3 s", line);
        Assert.Equal(HttpStatusCode.OK, (await prometheus.Http.GetAsync("/-/ready", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task History_promtool_rejects_is_logged_in_one_line_and_prometheus_starts_anyway()
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var queries = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reports = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var history = WebApplication.Create();
        history.Urls.Add("http://127.0.0.1:0");
        history.MapPost("/history/imports", (string result) => reports.Enqueue(result));
        history.MapGet("/history", async context =>
        {
            queries.Enqueue(context.Request.QueryString.Value ?? "");
            context.Response.Headers["X-Kline-History"] = "complete";
            context.Response.ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
            await context.Response.WriteAsync("kline_closed_close_price{symbol=\"BTCUSDT\"} not-a-number 1700000000.000\n# EOF\n");
        });
        await history.StartAsync(TestContext.Current.CancellationToken);
        var target = new Uri(history.Urls.First()).Authority;

        await using var prometheus = await PrometheusServer.StartThroughContainerEntrypointAsync(target, "1s",
            new Dictionary<string, string> { ["HISTORY_WAIT"] = "30" });

        var line = Assert.Single(ImportLines(prometheus));
        Assert.StartsWith("History import: failed: promtool: ", line, StringComparison.Ordinal);
        // The image's retention (7 days without remote write): no older history is asked for.
        Assert.Equal($"?job=ingestor&instance={target}&retention=7d", Assert.Single(queries));
        // Counted where the failure can be graphed and alerted on: the ingestor's kline_ingestor_history_imports_total.
        Assert.Equal("failed", Assert.Single(reports));
        Assert.Equal(HttpStatusCode.OK, (await prometheus.Http.GetAsync("/-/ready", TestContext.Current.CancellationToken)).StatusCode);
    }

    private static List<string> ImportLines(PrometheusServer prometheus) =>
        prometheus.Log.Split(Environment.NewLine).Where(line => line.StartsWith("History import:", StringComparison.Ordinal)).ToList();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const string RemoteWriteUrl =
        "https://dce-sample-abcd.westeurope-1.metrics.ingest.monitor.azure.com/dataCollectionRules/dcr-00000000000000000000000000000000/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24";

    private const string ClientId = "22222222-2222-2222-2222-222222222222";

    [Fact]
    public async Task Without_remote_write_settings_the_configuration_is_the_local_one_and_passes_promtool()
    {
        ExternalTool.Promtool.Require();

        var (exitCode, printed, config) = await RenderAsync(new() { ["REMOTE_WRITE_URL"] = null, ["REMOTE_WRITE_CLIENT_ID"] = null });

        Assert.True(exitCode == 0, printed);
        Assert.DoesNotContain("remote_write", config);
        Assert.DoesNotContain("azuread", config);
        Assert.Contains("--storage.tsdb.retention.time=7d", printed);
        var (check, text) = await Promtool.RunAsync("check", "config", WriteTemp(config));
        Assert.True(check == 0, text);
    }

    [Fact]
    public async Task With_remote_write_settings_samples_go_to_the_workspace_as_the_managed_identity_and_the_local_tsdb_keeps_a_day()
    {
        ExternalTool.Promtool.Require();

        var (exitCode, printed, config) = await RenderAsync(new() { ["REMOTE_WRITE_URL"] = RemoteWriteUrl, ["REMOTE_WRITE_CLIENT_ID"] = ClientId });

        Assert.True(exitCode == 0, printed);
        Assert.Contains("--storage.tsdb.retention.time=1d", printed);
        var root = Yaml.Load(config);
        var remoteWrite = Assert.Single(root.Items("remote_write"));
        Assert.Equal(["url", "azuread"], remoteWrite.Keys());
        Assert.Equal(RemoteWriteUrl, remoteWrite.Scalar("url"));

        // Structural check of the azuread block against Prometheus' remote-write configuration (v2.45+; the image runs
        // v3.5): cloud AzurePublic, and a user-assigned managed identity by client id, nothing else.
        var azuread = remoteWrite.At("azuread");
        Assert.Equal(["cloud", "managed_identity"], azuread.Keys());
        Assert.Equal("AzurePublic", azuread.Scalar("cloud"));
        Assert.Equal(["client_id"], azuread.At("managed_identity").Keys());
        Assert.Equal(ClientId, azuread.Scalar("managed_identity", "client_id"));

        // Debian's promtool 2.42 predates azuread in remote write and rejects the key ("field azuread not found"), so
        // promtool checks the rendered configuration minus that block: the rest (remote_write url included) must pass.
        ((YamlMappingNode)remoteWrite).Children.Remove(new YamlScalarNode("azuread"));
        var (check, text) = await Promtool.RunAsync("check", "config", WriteTemp(Yaml.Save(root)));
        Assert.True(check == 0, text);
        Assert.Contains("SUCCESS", text);
    }

    [Fact]
    public async Task An_explicit_retention_wins_over_the_remote_write_default()
    {
        var (exitCode, printed, _) = await RenderAsync(
            new() { ["REMOTE_WRITE_URL"] = RemoteWriteUrl, ["REMOTE_WRITE_CLIENT_ID"] = ClientId, ["RETENTION"] = "3d" });

        Assert.True(exitCode == 0, printed);
        Assert.Contains("--storage.tsdb.retention.time=3d", printed);
    }

    [Theory]
    [InlineData(RemoteWriteUrl, null, "REMOTE_WRITE_CLIENT_ID must name the managed identity")]
    [InlineData(RemoteWriteUrl, "", "REMOTE_WRITE_CLIENT_ID must name the managed identity")]
    [InlineData("http://insecure.example/api/v1/write", ClientId, "must be an https:// URL")]
    [InlineData("https://x.example/write\"#", ClientId, "must not contain quotes")]
    public async Task Incomplete_or_unsafe_remote_write_settings_stop_the_container(string url, string? clientId, string message)
    {
        var (exitCode, printed, _) = await RenderAsync(new() { ["REMOTE_WRITE_URL"] = url, ["REMOTE_WRITE_CLIENT_ID"] = clientId });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, printed);
        Assert.DoesNotContain("--config.file", printed);
    }

    /// <summary>
    /// Runs the image's entrypoint with <c>/bin/echo</c> as Prometheus: it renders the configuration as in the container
    /// and prints the flags it would start Prometheus with.
    /// </summary>
    private static async Task<(int ExitCode, string Printed, string Config)> RenderAsync(Dictionary<string, string?> settings)
    {
        var directory = Directory.CreateTempSubdirectory("kline-entrypoint-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["INGESTOR_TARGET"] = "ingestor.internal.example.azurecontainerapps.io:80",
            ["SCRAPE_INTERVAL"] = "5s",
            ["TEMPLATE"] = RepositoryPaths.Combine("prometheus", "prometheus.yml.template"),
            ["RULES_DIR"] = RepositoryPaths.Combine("prometheus", "rules"),
            ["DATA_DIR"] = directory,
            ["PROMETHEUS_BIN"] = "/bin/echo",
            ["RETENTION"] = null,
            // The target is not reachable here: no history to wait for.
            ["HISTORY_WAIT"] = "0",
            ["HISTORY_SCRIPT"] = RepositoryPaths.Combine("prometheus", "import-history.sh"),
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        var (exitCode, printed) = await ProcessRun.RunAsync("/bin/sh", [RepositoryPaths.Combine("prometheus", "docker-entrypoint.sh")],
            TimeSpan.FromSeconds(30), environment);
        var configFile = Path.Combine(directory, "prometheus.yml");
        return (exitCode, printed, File.Exists(configFile) ? await File.ReadAllTextAsync(configFile, TestContext.Current.CancellationToken) : "");
    }

    private static string WriteTemp(string config)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kline-entrypoint-check-").FullName, "prometheus.yml");
        File.WriteAllText(file, config);
        return file;
    }
}
