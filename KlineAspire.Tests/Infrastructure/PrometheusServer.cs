using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>A real Prometheus server (<see cref="ExternalTool.Prometheus"/>) on a free loopback port, scraping the given targets.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _log;

    private PrometheusServer(Process process, string directory, Uri baseAddress, ConcurrentQueue<string> log)
    {
        _process = process;
        _directory = directory;
        _log = log;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>Where it keeps its files; started through the container entrypoint, its data directory.</summary>
    public string WorkDirectory => _directory;

    /// <param name="dataDirectory">A data directory prepared beforehand (e.g. history imported with promtool), the caller's to delete; null for a fresh one.</param>
    public static Task<PrometheusServer> StartAsync(string job, Uri target, TimeSpan scrapeInterval, string? dataDirectory = null)
    {
        var interval = $"{(int)scrapeInterval.TotalMilliseconds}ms";
        return StartWithConfigurationAsync($"""
            global:
              scrape_interval: {interval}
              evaluation_interval: {interval}
            scrape_configs:
              - job_name: {job}
                scrape_interval: {interval}
                static_configs:
                  - targets: ["{target.Authority}"]
            """, dataDirectory);
    }

    /// <summary>
    /// A Prometheus that scrapes nothing and evaluates the given rule files (absolute paths) every second:
    /// for validating PromQL (dashboards) and checking that rule files load in a real server.
    /// </summary>
    public static Task<PrometheusServer> StartWithoutTargetsAsync(IEnumerable<string>? ruleFiles = null)
    {
        var rules = (ruleFiles ?? []).Select(file => $"  - \"{file.Replace("\\", "/", StringComparison.Ordinal)}\"").ToList();
        return StartWithConfigurationAsync($"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:{(rules.Count == 0 ? " []" : Environment.NewLine + string.Join(Environment.NewLine, rules))}
            scrape_configs: []
            """);
    }

    /// <summary>
    /// A Prometheus that scrapes nothing, started on a data directory prepared beforehand (e.g. with blocks from
    /// <c>promtool tsdb create-blocks-from</c>), which it reads at start. The directory is the caller's to delete.
    /// </summary>
    public static Task<PrometheusServer> StartOnDataAsync(string dataDirectory) =>
        StartWithConfigurationAsync("""
            global:
              scrape_interval: 1s
            scrape_configs: []
            """, dataDirectory);

    /// <summary>
    /// Prometheus started the way the container image starts it: <c>prometheus/docker-entrypoint.sh</c> renders the
    /// shipped template and rules from the environment, then execs Prometheus (the local binary instead of the image's).
    /// </summary>
    /// <param name="environment">More of the image's environment, e.g. <c>HISTORY_WAIT</c>; the history import's promtool is the local one.</param>
    public static Task<PrometheusServer> StartThroughContainerEntrypointAsync(
        string ingestorTarget, string scrapeInterval, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("kline-prometheus-entrypoint-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { RepositoryPaths.Combine("prometheus", "docker-entrypoint.sh"), "--log.level=warn" },
            Environment =
            {
                ["INGESTOR_TARGET"] = ingestorTarget,
                ["SCRAPE_INTERVAL"] = scrapeInterval,
                ["TEMPLATE"] = RepositoryPaths.Combine("prometheus", "prometheus.yml.template"),
                ["RULES_DIR"] = RepositoryPaths.Combine("prometheus", "rules"),
                ["DATA_DIR"] = directory,
                ["PROMETHEUS_BIN"] = ExternalTool.Prometheus.Require(),
                ["LISTEN_ADDRESS"] = $"127.0.0.1:{port}",
                ["HISTORY_SCRIPT"] = RepositoryPaths.Combine("prometheus", "import-history.sh"),
                ["PROMTOOL_BIN"] = ExternalTool.Promtool.Require(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return StartProcessAsync(start, directory, port);
    }

    private static async Task<PrometheusServer> StartWithConfigurationAsync(string configuration, string? dataDirectory = null)
    {
        var directory = Directory.CreateTempSubdirectory("kline-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), configuration, TestContext.Current.CancellationToken);

        var port = FreePort();
        var start = new ProcessStartInfo(ExternalTool.Prometheus.Require())
        {
            ArgumentList =
            {
                $"--config.file={Path.Combine(directory, "prometheus.yml")}",
                $"--storage.tsdb.path={dataDirectory ?? Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return await StartProcessAsync(start, directory, port);
    }

    private static async Task<PrometheusServer> StartProcessAsync(ProcessStartInfo start, string directory, int port)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => Remember(log, line.Data);
        process.ErrorDataReceived += (_, line) => Remember(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"), log);
        try
        {
            await Eventually.MatchAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        // A bad configuration or rule file makes Prometheus exit at once: fail with its own words.
                        throw new InvalidOperationException($"prometheus exited with code {process.ExitCode}:{Environment.NewLine}{server.Log}");
                    }

                    return (await server.Http.GetAsync("/-/ready", TestContext.Current.CancellationToken)).StatusCode;
                },
                status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "Prometheus is ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static void Remember(ConcurrentQueue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        log.Enqueue(line);
        while (log.Count > 200 && log.TryDequeue(out _))
        {
        }
    }

    /// <summary>
    /// The last lines Prometheus printed (warnings and errors only, given <c>--log.level=warn</c>), and, when started
    /// through the entrypoint, what the entrypoint printed before it.
    /// </summary>
    public string Log => string.Join(Environment.NewLine, _log);

    /// <summary>Runs an instant query without interpreting it: the HTTP status and the raw JSON body, errors included.</summary>
    public async Task<(HttpStatusCode Status, string Body)> QueryRawAsync(string promql)
    {
        using var response = await Http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}", TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Runs an instant PromQL query and returns each series' labels and value.</summary>
    public Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql) => PrometheusApi.QueryAsync(Http, promql);

    /// <summary>
    /// Runs a range query: the expression evaluated at <paramref name="start"/> and every <paramref name="step"/> after it,
    /// up to <paramref name="end"/>.
    /// </summary>
    public Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)>> QueryRangeAsync(
        string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step) => PrometheusApi.QueryRangeAsync(Http, promql, start, end, step);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Prometheus may still be flushing; the temp directory is harmless.
        }
    }
}
