using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Operations;

/// <summary>
/// The Grafana dashboard (grafana/dashboards/kline-aspire.json) and its provisioning files: the JSON parses, the
/// required panels are there, every query targets the provisioned datasource, and a real Prometheus accepts every
/// PromQL expression. This stands in for a Grafana instance where no container runtime exists.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private const string DashboardPath = "grafana/dashboards/kline-aspire.json";
    private const string DatasourceProvisioningPath = "grafana/provisioning/datasources/prometheus.yml";
    private const string DashboardProvisioningPath = "grafana/provisioning/dashboards/kline-aspire.yml";
    private const string DatasourceUid = "prometheus";
    private const string DashboardFolder = "/var/lib/grafana/dashboards";

    /// <summary>Values standing in for Grafana's template and built-in variables when validating PromQL.</summary>
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["symbol"] = "BTCUSDT",
        ["interval"] = "1m",
        ["__rate_interval"] = "1m",
        ["__interval"] = "15s",
        ["__interval_ms"] = "15000",
        ["__range"] = "1h",
        ["__range_s"] = "3600",
    };

    /// <summary>Topics the dashboard must cover, each as a title fragment (case-insensitive) and a metric it must query.</summary>
    private static readonly (string Title, string Metric)[] RequiredPanels =
    [
        ("Close price", "kline_close_price"),
        ("Closed candles", "kline_closed_high_price"),
        ("Base volume", "kline_base_volume"),
        ("Quote volume", "kline_quote_volume"),
        ("Trades", "kline_trades"),
        ("Ingest lag percentiles", "kline_ingestor_lag_seconds_bucket"),
        ("Connections", "kline_ingestor_connections"),
        ("Connections", "kline_ingestor_subscribed_streams"),
        ("Connections", "kline_ingestor_stale_streams"),
        ("Reconnects by reason", "kline_ingestor_reconnects_total"),
        ("Invalid frames by reason", "kline_ingestor_invalid_frames_total"),
        ("Age of last update", "kline_last_update_timestamp_seconds"),
        ("Feed up", "kline_feed_up"),
    ];

    [Fact]
    public void Dashboard_parses_with_uid_schema_and_template_variables()
    {
        using var dashboard = LoadDashboard();
        var root = dashboard.RootElement;
        Assert.Equal("kline-aspire", root.GetProperty("uid").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.InRange(root.GetProperty("schemaVersion").GetInt32(), 36, 41);

        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.Equal("label_values(kline_close_price, symbol)", VariableQuery(variables["symbol"]));
        Assert.StartsWith("label_values(kline_close_price", VariableQuery(variables["interval"]), StringComparison.Ordinal);
        Assert.EndsWith(", interval)", VariableQuery(variables["interval"]), StringComparison.Ordinal);
        Assert.True(variables["symbol"].GetProperty("multi").GetBoolean(), "several symbols can be shown at once");
        foreach (var variable in variables.Values)
        {
            Assert.Equal(DatasourceUid, variable.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    [Fact]
    public void Dashboard_has_the_required_panels()
    {
        using var dashboard = LoadDashboard();
        var panels = Panels(dashboard.RootElement).Where(panel => panel.GetProperty("type").GetString() != "row").ToList();
        var problems = new List<string>();
        foreach (var (title, metric) in RequiredPanels)
        {
            var matching = panels.Where(panel => panel.GetProperty("title").GetString()!.Contains(title, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matching.Count == 0)
            {
                problems.Add($"no panel titled like '{title}'");
            }
            else if (!matching.Any(panel => Targets(panel).Any(target => Expr(target).Contains(metric, StringComparison.Ordinal))))
            {
                problems.Add($"no panel titled like '{title}' queries {metric}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // Candles: a candlestick panel fed by open/high/low/close queries of the closed-candle gauges, which hold every
        // closed candle's final values (the forming candle's gauges would only show whatever a scrape caught).
        var candles = Assert.Single(panels, panel => panel.GetProperty("type").GetString() == "candlestick");
        var legends = Targets(candles).Select(target => target.GetProperty("legendFormat").GetString()).ToList();
        foreach (var field in new[] { "open", "high", "low", "close" })
        {
            Assert.Contains(field, legends);
        }

        foreach (var metric in new[] { "kline_closed_open_price", "kline_closed_high_price", "kline_closed_low_price", "kline_closed_close_price" })
        {
            Assert.Contains(Targets(candles), target => Expr(target).Contains(metric, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(Targets(candles), target => Regex.IsMatch(Expr(target), @"\bkline_(open|high|low|close)_price\b"));

        // Lag: p50, p90 and p99 from the histogram.
        var lag = panels.Single(panel => panel.GetProperty("title").GetString() == "Ingest lag percentiles");
        foreach (var quantile in new[] { "0.5", "0.9", "0.99" })
        {
            Assert.Contains(Targets(lag), target => Expr(target).StartsWith($"histogram_quantile({quantile},", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_panel_has_a_unique_id_a_layout_and_targets_with_an_expr_on_the_provisioned_datasource()
    {
        using var dashboard = LoadDashboard();
        var panels = Panels(dashboard.RootElement).ToList();
        var problems = new List<string>();
        foreach (var duplicate in panels.GroupBy(panel => panel.GetProperty("id").GetInt32()).Where(group => group.Count() > 1))
        {
            problems.Add($"panel id {duplicate.Key} is used {duplicate.Count()} times");
        }

        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            var grid = panel.GetProperty("gridPos");
            if (grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() > 24 || grid.GetProperty("h").GetInt32() <= 0)
            {
                problems.Add($"'{title}' does not fit the 24-column grid");
            }

            if (panel.GetProperty("type").GetString() == "row")
            {
                continue;
            }

            if (panel.GetProperty("datasource").GetProperty("uid").GetString() != DatasourceUid)
            {
                problems.Add($"'{title}' does not use datasource {DatasourceUid}");
            }

            var targets = Targets(panel).ToList();
            if (targets.Count == 0)
            {
                problems.Add($"'{title}' has no targets");
            }

            foreach (var target in targets)
            {
                if (string.IsNullOrWhiteSpace(Expr(target)))
                {
                    problems.Add($"'{title}' target {target.GetProperty("refId").GetString()} has no expr");
                }

                if (target.TryGetProperty("datasource", out var datasource) && datasource.GetProperty("uid").GetString() != DatasourceUid)
                {
                    problems.Add($"'{title}' target {target.GetProperty("refId").GetString()} does not use datasource {DatasourceUid}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Prometheus_accepts_every_promql_expression_of_the_dashboard()
    {
        ExternalTool.Prometheus.Require();
        using var dashboard = LoadDashboard();
        var expressions = Expressions(dashboard.RootElement).ToList();
        Assert.True(expressions.Count >= 20, $"only {expressions.Count} expressions found");

        await using var prometheus = await PrometheusServer.StartWithoutTargetsAsync();
        var problems = new List<string>();
        foreach (var (where, expression) in expressions)
        {
            var (promql, unknown) = Substitute(expression);
            if (unknown.Count > 0)
            {
                problems.Add($"{where}: unknown variables {string.Join(", ", unknown)} in {expression}");
                continue;
            }

            var (status, body) = await prometheus.QueryRawAsync(promql);
            if (status != HttpStatusCode.OK || !body.Contains("\"status\":\"success\"", StringComparison.Ordinal))
            {
                problems.Add($"{where}: Prometheus answered {(int)status} {body} for {promql}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task The_close_price_panel_draws_each_symbols_finest_interval_back_to_the_oldest_backfilled_candle()
    {
        using var dashboard = LoadDashboard();
        var panel = Assert.Single(Panels(dashboard.RootElement), panel => panel.GetProperty("title").GetString()!.StartsWith("Close price", StringComparison.Ordinal));
        // Grafana's "All" for the multi-value symbol variable.
        var expression = Expr(Assert.Single(Targets(panel))).Replace("$symbol", ".+", StringComparison.Ordinal);
        string[] symbols = ["BTCUSDT", "XRPUSDT"];
        // 30 candles: the 1m history covers the last half hour before the start, the 1h history 30 hours.
        await using var backfilled = await BackfilledPrometheus.StartAsync(symbols, ["1m", "1h"], candles: 30, series: "kline_close_price");

        var problems = new List<string>();
        foreach (var symbol in symbols)
        {
            var minutes = (await backfilled.ClosedBeforeStartAsync(symbol, "1m")).TakeLast(20).ToList();
            var oldestMinute = CloseTime(minutes[0]);
            // Hours that closed before any 1m candle of the history, and out of the 5-minute look-back of the first.
            var hours = (await backfilled.ClosedBeforeStartAsync(symbol, "1h")).Where(row => CloseTime(row) < oldestMinute - TimeSpan.FromMinutes(30)).TakeLast(10).ToList();
            Assert.True(minutes.Count == 20 && hours.Count == 10, $"{symbol}: {minutes.Count} 1m and {hours.Count} 1h candles to compare");
            foreach (var (interval, rows, step) in new[] { ("1m", minutes, TimeSpan.FromMinutes(1)), ("1h", hours, TimeSpan.FromHours(1)) })
            {
                var series = (await backfilled.Prometheus.QueryRangeAsync(expression, CloseTime(rows[0]), CloseTime(rows[^1]), step))
                    .Where(s => s.Labels["symbol"] == symbol).ToList();
                var points = series.SelectMany(s => s.Points.Select(point => (point.Time, Interval: s.Labels["interval"], point.Value))).ToLookup(point => point.Time);
                foreach (var row in rows)
                {
                    var expected = (interval, KlineRowColumns.Number(row[4]));
                    var actual = points[CloseTime(row)].Select(point => (point.Interval, point.Value)).ToList();
                    if (actual.Count != 1 || actual[0] != expected)
                    {
                        problems.Add($"{symbol} at {CloseTime(row):O}: [{string.Join(", ", actual)}], expected the {interval} close {expected.Item2.ToString("R", CultureInfo.InvariantCulture)}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>A REST kline's close time: the last millisecond of the candle, where its backfilled forming sample is.</summary>
    private static DateTimeOffset CloseTime(JsonElement row) => DateTimeOffset.FromUnixTimeMilliseconds(row[6].GetInt64());

    [Fact]
    public void Provisioning_points_at_the_dashboard_folder_and_the_datasource_uid_the_dashboard_uses()
    {
        var datasource = File.ReadAllText(RepositoryPaths.Combine(DatasourceProvisioningPath));
        Assert.Matches(@"(?m)^apiVersion:\s*1\s*$", datasource);
        Assert.Matches($@"(?m)^\s*uid:\s*{DatasourceUid}\s*$", datasource);
        Assert.Matches(@"(?m)^\s*type:\s*prometheus\s*$", datasource);
        Assert.Matches(@"(?m)^\s*url:\s*\$\{PROMETHEUS_URL\}\s*$", datasource);

        var provider = File.ReadAllText(RepositoryPaths.Combine(DashboardProvisioningPath));
        Assert.Matches(@"(?m)^apiVersion:\s*1\s*$", provider);
        Assert.Matches(@"(?m)^\s*type:\s*file\s*$", provider);
        Assert.Matches($@"(?m)^\s*path:\s*{Regex.Escape(DashboardFolder)}\s*$", provider);

        // Every datasource reference in the dashboard (panels, targets, variables, annotations) is the provisioned
        // one, apart from Grafana's built-in annotation source.
        using var dashboard = LoadDashboard();
        var uids = DatasourceReferences(dashboard.RootElement)
            .Where(reference => reference.GetProperty("type").GetString() != "grafana")
            .Select(reference => reference.GetProperty("uid").GetString())
            .Distinct()
            .ToList();
        Assert.NotEmpty(uids);
        Assert.All(uids, uid => Assert.Equal(DatasourceUid, uid));
    }

    private static JsonDocument LoadDashboard() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Combine(DashboardPath)), new JsonDocumentOptions { AllowTrailingCommas = false });

    /// <summary>Every panel, including those nested in collapsed rows.</summary>
    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var child in nested.EnumerateArray())
                {
                    yield return child;
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Targets(JsonElement panel) =>
        panel.TryGetProperty("targets", out var targets) ? targets.EnumerateArray() : [];

    private static string Expr(JsonElement target) =>
        target.TryGetProperty("expr", out var expr) ? expr.GetString() ?? string.Empty : string.Empty;

    private static string VariableQuery(JsonElement variable)
    {
        var query = variable.GetProperty("query");
        return query.ValueKind == JsonValueKind.String ? query.GetString()! : query.GetProperty("query").GetString()!;
    }

    /// <summary>PromQL of every target, Prometheus annotation and query variable, with where it comes from.</summary>
    private static IEnumerable<(string Where, string Expression)> Expressions(JsonElement root)
    {
        foreach (var panel in Panels(root))
        {
            foreach (var target in Targets(panel))
            {
                yield return ($"panel '{panel.GetProperty("title").GetString()}' target {target.GetProperty("refId").GetString()}", Expr(target));
            }
        }

        foreach (var annotation in root.GetProperty("annotations").GetProperty("list").EnumerateArray())
        {
            if (annotation.TryGetProperty("expr", out var expr))
            {
                yield return ($"annotation '{annotation.GetProperty("name").GetString()}'", expr.GetString()!);
            }
        }

        foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() != "query")
            {
                continue;
            }

            // Grafana's label_values(selector, label) is not PromQL; the selector inside it must be.
            var query = VariableQuery(variable);
            var labelValues = LabelValues().Match(query);
            yield return ($"variable '{variable.GetProperty("name").GetString()}'",
                labelValues.Success ? $"count by ({labelValues.Groups["label"].Value}) ({labelValues.Groups["selector"].Value})" : query);
        }
    }

    private static IEnumerable<JsonElement> DatasourceReferences(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("datasource") && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        yield return property.Value;
                    }

                    foreach (var nested in DatasourceReferences(property.Value))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in DatasourceReferences(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static (string PromQL, List<string> Unknown) Substitute(string expression)
    {
        var unknown = new List<string>();
        var promql = Variable().Replace(expression, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            if (Variables.TryGetValue(name, out var value))
            {
                return value;
            }

            unknown.Add(name);
            return match.Value;
        });
        return (promql, unknown);
    }

    [GeneratedRegex(@"\$(?:\{(?<braced>\w+)(?::[^}]*)?\}|(?<plain>\w+))")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^\s*label_values\((?<selector>.+),\s*(?<label>\w+)\s*\)\s*$")]
    private static partial Regex LabelValues();
}
