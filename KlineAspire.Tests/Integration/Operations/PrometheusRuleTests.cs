using System.Text.Json;
using System.Text.RegularExpressions;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Operations;

/// <summary>
/// The shipped Prometheus rules (prometheus/rules) are valid, their promtool unit tests (prometheus/tests) pass,
/// every alert is tested both firing and not firing, every recording rule is tested, and a real Prometheus loads them.
/// </summary>
public sealed partial class PrometheusRuleTests
{
    private const string RulesDirectory = "prometheus/rules";
    private const string TestsDirectory = "prometheus/tests";
    private static readonly string[] Severities = ["critical", "warning", "info"];

    public static TheoryData<string> RuleFiles => new(RepositoryPaths.Files(RulesDirectory, "*.yml").Select(RepositoryPaths.Relative));

    public static TheoryData<string> RuleTestFiles => new(RepositoryPaths.Files(TestsDirectory, "*.yml").Select(RepositoryPaths.Relative));

    [Fact]
    public void Rule_files_and_rule_tests_exist()
    {
        Assert.NotEmpty(RepositoryPaths.Files(RulesDirectory, "*.yml"));
        Assert.NotEmpty(RepositoryPaths.Files(TestsDirectory, "*.yml"));
        Assert.NotEmpty(Alerts());
        Assert.NotEmpty(RecordingRules());
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public async Task Promtool_check_rules_accepts(string ruleFile)
    {
        ExternalTool.Promtool.Require();
        var (exitCode, output) = await Promtool.CheckRulesAsync(RepositoryPaths.Combine(ruleFile));
        Assert.True(exitCode == 0, $"promtool check rules {ruleFile} exited with {exitCode}:{Environment.NewLine}{output}");
    }

    [Theory]
    [MemberData(nameof(RuleTestFiles))]
    public async Task Promtool_test_rules_passes(string testFile)
    {
        ExternalTool.Promtool.Require();
        var (exitCode, output) = await Promtool.TestRulesAsync(RepositoryPaths.Combine(testFile));
        Assert.True(exitCode == 0, $"promtool test rules {testFile} exited with {exitCode}:{Environment.NewLine}{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_has_a_firing_and_a_not_firing_test()
    {
        var cases = AlertTestCases();
        var problems = new List<string>();
        foreach (var alert in Alerts().Select(a => a.Name))
        {
            if (!cases.Firing.Contains(alert))
            {
                problems.Add($"{alert} has no test where it fires (an alert_rule_test with exp_alerts entries)");
            }

            if (!cases.NotFiring.Contains(alert))
            {
                problems.Add($"{alert} has no test where it does not fire (an alert_rule_test with exp_alerts: [])");
            }
        }

        foreach (var tested in cases.Firing.Union(cases.NotFiring).Except(Alerts().Select(a => a.Name)))
        {
            problems.Add($"the tests name {tested}, which no rule file defines");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_recording_rule_is_tested_and_follows_the_naming_convention()
    {
        var testedExpressions = RepositoryPaths.Files(TestsDirectory, "*.yml")
            .SelectMany(File.ReadLines)
            .Select(line => ExpressionLine().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["expr"].Value)
            .ToList();
        var problems = new List<string>();
        foreach (var record in RecordingRules())
        {
            if (!RecordingRuleName().IsMatch(record))
            {
                problems.Add($"{record} does not follow level:metric:operations");
            }

            if (!testedExpressions.Any(expr => Regex.IsMatch(expr, $@"(^|[^\w:]){Regex.Escape(record)}($|[^\w:])")))
            {
                problems.Add($"{record} has no promql_expr_test");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_alert_has_a_severity_summary_description_runbook_and_for()
    {
        var problems = new List<string>();
        foreach (var (name, body) in Alerts())
        {
            foreach (var key in new[] { "for", "severity", "summary", "description", "runbook" })
            {
                if (!Regex.IsMatch(body, $@"^\s*{key}:\s*\S", RegexOptions.Multiline))
                {
                    problems.Add($"{name} has no {key}");
                }
            }

            var severity = Regex.Match(body, @"^\s*severity:\s*(?<value>\w+)", RegexOptions.Multiline).Groups["value"].Value;
            if (severity.Length > 0 && !Severities.Contains(severity))
            {
                problems.Add($"{name} has severity '{severity}', expected one of {string.Join(", ", Severities)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task A_real_prometheus_loads_and_evaluates_every_rule()
    {
        ExternalTool.Prometheus.Require();
        await using var prometheus = await PrometheusServer.StartWithoutTargetsAsync(RepositoryPaths.Files(RulesDirectory, "*.yml"));
        var expected = Alerts().Select(a => a.Name).Concat(RecordingRules()).Order(StringComparer.Ordinal).ToList();

        // Rules start with health "unknown"; after one evaluation (every second here) each must be "ok".
        var rules = await Eventually.MatchAsync(
            async () => ParseRules(await prometheus.Http.GetStringAsync("/api/v1/rules", TestContext.Current.CancellationToken)),
            loaded => loaded.Count == expected.Count && loaded.All(rule => rule.Health != "unknown"),
            TimeSpan.FromSeconds(30), "Prometheus loaded and evaluated every rule");

        Assert.Equal(expected, rules.Select(rule => rule.Name).Order(StringComparer.Ordinal));
        var unhealthy = rules.Where(rule => rule.Health != "ok").Select(rule => $"{rule.Name}: {rule.Health} {rule.Error}").ToList();
        Assert.True(unhealthy.Count == 0, string.Join(Environment.NewLine, unhealthy) + Environment.NewLine + prometheus.Log);
    }

    private static List<(string Name, string Health, string? Error)> ParseRules(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .Select(rule => (
                rule.GetProperty("name").GetString()!,
                rule.GetProperty("health").GetString()!,
                rule.TryGetProperty("lastError", out var error) ? error.GetString() : null))
            .ToList();
    }

    /// <summary>Each alert in the rule files with the text of its rule (up to the next rule), parsed loosely.</summary>
    private static List<(string Name, string Body)> Alerts() =>
        RepositoryPaths.Files(RulesDirectory, "*.yml")
            .SelectMany(file => RuleStart().Split(File.ReadAllText(file)).Skip(1).Chunk(3))
            .Where(parts => parts[0] == "alert")
            .Select(parts => (parts[1], parts[2]))
            .ToList();

    private static List<string> RecordingRules() =>
        RepositoryPaths.Files(RulesDirectory, "*.yml")
            .SelectMany(File.ReadLines)
            .Select(line => RuleStart().Match(line))
            .Where(match => match.Success && match.Groups["kind"].Value == "record")
            .Select(match => match.Groups["name"].Value)
            .ToList();

    /// <summary>
    /// Reads the alert_rule_test entries of every test file: an entry names its <c>alertname</c> and either
    /// <c>exp_alerts: []</c> (not firing) or <c>exp_alerts:</c> followed by list items (firing).
    /// </summary>
    private static (HashSet<string> Firing, HashSet<string> NotFiring) AlertTestCases()
    {
        var firing = new HashSet<string>(StringComparer.Ordinal);
        var notFiring = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in RepositoryPaths.Files(TestsDirectory, "*.yml"))
        {
            var lines = File.ReadAllLines(file).Select(StripComment).ToList();
            string? alertName = null;
            for (var i = 0; i < lines.Count; i++)
            {
                var name = AlertNameLine().Match(lines[i]);
                if (name.Success)
                {
                    alertName = name.Groups["name"].Value;
                    continue;
                }

                var expected = ExpectedAlertsLine().Match(lines[i]);
                if (!expected.Success)
                {
                    continue;
                }

                Assert.True(alertName is not null, $"{RepositoryPaths.Relative(file)}:{i + 1}: exp_alerts before any alertname");
                var rest = expected.Groups["rest"].Value.Trim();
                if (rest == "[]")
                {
                    notFiring.Add(alertName);
                }
                else
                {
                    var next = lines.Skip(i + 1).FirstOrDefault(line => line.Trim().Length > 0)?.Trim() ?? string.Empty;
                    Assert.True(rest.Length == 0 && next.StartsWith('-'),
                        $"{RepositoryPaths.Relative(file)}:{i + 1}: write exp_alerts either as [] or as a block list");
                    firing.Add(alertName);
                }

                alertName = null;
            }
        }

        return (firing, notFiring);
    }

    private static string StripComment(string line)
    {
        // Good enough for these files: a comment starts at " #" outside quotes.
        var inSingle = false;
        var inDouble = false;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '\'' when !inDouble:
                    inSingle = !inSingle;
                    break;
                case '"' when !inSingle:
                    inDouble = !inDouble;
                    break;
                case '#' when !inSingle && !inDouble && (i == 0 || char.IsWhiteSpace(line[i - 1])):
                    return line[..i];
            }
        }

        return line;
    }

    [GeneratedRegex(@"^\s*-\s*(?<kind>alert|record):\s*(?<name>[A-Za-z0-9_:]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex RuleStart();

    [GeneratedRegex(@"^\s*-?\s*alertname:\s*(?<name>[A-Za-z0-9_]+)\s*$")]
    private static partial Regex AlertNameLine();

    [GeneratedRegex(@"^\s*exp_alerts:(?<rest>.*)$")]
    private static partial Regex ExpectedAlertsLine();

    [GeneratedRegex(@"^\s*-?\s*expr:\s*(?<expr>.+)$")]
    private static partial Regex ExpressionLine();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*:[a-z0-9][a-z0-9_]*$")]
    private static partial Regex RecordingRuleName();
}
