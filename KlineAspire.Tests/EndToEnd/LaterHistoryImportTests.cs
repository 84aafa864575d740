using System.Collections.Concurrent;
using System.Globalization;
using KlineAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// <c>prometheus/import-history.sh</c> run again on data it imported before (a restart, or its follower's next look):
/// it imports only what arrived after the last answer it had, and after the ingestor restarted it imports nothing the
/// new run read again, which covers time Prometheus already holds, only the streams taken on later. Into data a
/// Prometheus wrote before any import, it imports nothing.
/// </summary>
public sealed class LaterHistoryImportTests : IDisposable
{
    // One Prometheus data directory per test: xunit makes an instance for each.
    private readonly string _data = Directory.CreateTempSubdirectory("kline-later-history-").FullName;

    [Fact]
    public async Task After_an_ingestor_restart_only_streams_taken_on_later_are_imported()
    {
        ExternalTool.Promtool.Require();
        var ingestor = new StubHistory();
        await using var server = await ingestor.StartAsync();

        // The first run's history, in one answer.
        ingestor.Serve("run-a", (1, Sample("BTCUSDT", 60)));
        Assert.Matches("^History import: imported 1 samples in [0-9]+ s$", await ImportAsync(server));

        // The ingestor restarted: its new run read the same stream's history again, numbered after the last answer's.
        ingestor.Serve("run-b", (5, Sample("BTCUSDT", 120)));
        Assert.StartsWith("History import: the ingestor restarted: ", await ImportAsync(server), StringComparison.Ordinal);

        // Then it took on a listing.
        ingestor.Serve("run-b", (5, Sample("BTCUSDT", 120)), (6, Sample("NEWUSDT", 180)));
        Assert.Equal("History import: imported 1 samples of history that arrived later", await ImportAsync(server));

        // Nothing new: nothing imported, nothing said.
        Assert.Equal("", await ImportAsync(server));

        Assert.Equal(["", "after=1&until=", "after=5&until=", "after=6&until="], ingestor.Queries.Select(query => Cursor(query)));
        Assert.Equal(["imported", "imported"], ingestor.Reports);
        Assert.Equal(2, Blocks().Count);
        Assert.Empty(Directory.GetDirectories(_data, ".kline-history-import.*"));
    }

    [Fact]
    public async Task Data_a_prometheus_wrote_before_any_import_gets_no_history_now_or_later()
    {
        ExternalTool.Promtool.Require();
        var ingestor = new StubHistory();
        await using var server = await ingestor.StartAsync();

        // An installation that ran without history: its write-ahead log holds live samples. A block ending now would
        // make Prometheus drop those older than its end at this start.
        Directory.CreateDirectory(Path.Combine(_data, "wal"));
        await File.WriteAllBytesAsync(Path.Combine(_data, "wal", "00000000"), [0], TestContext.Current.CancellationToken);
        ingestor.Serve("run-a", (1, Sample("BTCUSDT", 60)));

        Assert.Equal($"History import: skipped: {_data} already holds Prometheus data from before history was imported; importing into it would "
            + "cut its write-ahead log", await ImportAsync(server));
        // The next start (or the follower) asks only for samples from before 1970: none.
        Assert.Equal("", await ImportAsync(server));

        Assert.Equal(["after=0&until=0"], ingestor.Queries.Select(query => Cursor(query, keepUntil: true)));
        Assert.Empty(ingestor.Reports);
        Assert.Empty(Blocks());
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private List<string> Blocks() => [.. Directory.GetDirectories(_data).Where(directory => File.Exists(Path.Combine(directory, "meta.json")))];

    /// <summary>The query's after= and until=; until='s value, a time, only if asked.</summary>
    private static string Cursor(string query, bool keepUntil = false)
    {
        var parameters = query.TrimStart('?').Split('&').Where(p => p.StartsWith("after=", StringComparison.Ordinal) || p.StartsWith("until=", StringComparison.Ordinal));
        return string.Join('&', parameters.Select(p => p.StartsWith("until=", StringComparison.Ordinal) && !keepUntil ? "until=" : p));
    }

    private static string Sample(string symbol, int minutesAgo) =>
        $"kline_closed_close_price{{interval=\"1m\",instance=\"i\",job=\"ingestor\",symbol=\"{symbol}\"}} 1.5 " +
        (DateTimeOffset.UtcNow.AddMinutes(-minutesAgo).ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);

    private async Task<string> ImportAsync(WebApplication server)
    {
        var (exitCode, output) = await ProcessRun.RunAsync("/bin/sh", [RepositoryPaths.Combine("prometheus", "import-history.sh"), "start"], TimeSpan.FromSeconds(60),
            new Dictionary<string, string?>
            {
                ["INGESTOR_TARGET"] = new Uri(server.Urls.First()).Authority,
                ["DATA_DIR"] = _data,
                ["PROMTOOL_BIN"] = ExternalTool.Promtool.Require(),
                ["HISTORY_WAIT"] = "5",
            });
        Assert.Equal(0, exitCode);
        return output.Trim();
    }

    /// <summary>
    /// A <c>/history</c> that answers as the ingestor does: a run, the changes after <c>after</c>, only samples before
    /// <c>until</c>, and the change number.
    /// </summary>
    private sealed class StubHistory
    {
        // Replaced whole between imports, never while one runs.
        private (string Run, (long Change, string Line)[] Streams) _serving = ("", []);

        public ConcurrentQueue<string> Queries { get; } = new();

        public ConcurrentQueue<string> Reports { get; } = new();

        public void Serve(string run, params (long Change, string Line)[] streams) => _serving = (run, streams);

        public async Task<WebApplication> StartAsync()
        {
            var app = WebApplication.Create();
            app.Urls.Add("http://127.0.0.1:0");
            app.MapGet("/history", async (HttpContext context, long? after, double? until) =>
            {
                Queries.Enqueue(context.Request.QueryString.Value ?? "");
                var (run, streams) = _serving;
                context.Response.Headers["X-Kline-History"] = "complete";
                context.Response.Headers["X-Kline-Ingestor-Run"] = run;
                context.Response.Headers["X-Kline-History-Change"] = streams.Max(s => s.Change).ToString(CultureInfo.InvariantCulture);
                context.Response.ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
                var lines = streams.Where(s => s.Change > (after ?? 0) && (until is null || Seconds(s.Line) < until)).Select(s => s.Line + "\n").ToList();
                await context.Response.WriteAsync((lines.Count > 0 ? "# TYPE kline_closed_close_price gauge\n" : "") + string.Concat(lines) + "# EOF\n");
            });
            app.MapPost("/history/imports", (string result) => Reports.Enqueue(result));
            await app.StartAsync(TestContext.Current.CancellationToken);
            return app;
        }

        private static double Seconds(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
