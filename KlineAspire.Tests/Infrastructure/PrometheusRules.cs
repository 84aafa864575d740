using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>One rule as a running Prometheus reports it on <c>/api/v1/rules</c>.</summary>
public sealed record LoadedRule(string Group, string Name, string Type, string Health, DateTimeOffset? LastEvaluation, string? Error)
{
    public override string ToString() => $"{Group}/{Name} ({Type}): {Health}, last evaluated "
        + $"{LastEvaluation?.ToString("O", CultureInfo.InvariantCulture) ?? "never"}{(Error is null ? "" : $", {Error}")}";
}

/// <summary>
/// The rules shipped in <c>prometheus/rules</c>, read from the files themselves, and the rules a running Prometheus
/// has loaded and evaluated: so a test names every alert without a hand-kept list, and looks at alerts only once
/// Prometheus has evaluated them on the data it holds.
/// </summary>
public static class PrometheusRules
{
    private const string RulesDirectory = "prometheus/rules";

    /// <summary>The names of every alerting rule in the shipped rule files.</summary>
    public static IReadOnlyList<string> ShippedAlerts() => Shipped("alert");

    /// <summary>The names of every rule, alerting and recording, in the shipped rule files.</summary>
    public static IReadOnlyList<string> ShippedRules() => [.. Shipped("alert"), .. Shipped("record")];

    private static List<string> Shipped(string kind)
    {
        var files = RepositoryPaths.Files(RulesDirectory, "*.yml");
        Assert.NotEmpty(files);
        return files
            .SelectMany(file => Yaml.Load(File.ReadAllText(file)).Items("groups"))
            .SelectMany(group => group.Items("rules"))
            .Where(rule => rule.Has(kind))
            .Select(rule => rule.Scalar(kind))
            .ToList();
    }

    /// <summary>Every rule the server has loaded, with its health and the time of its last evaluation.</summary>
    public static async Task<IReadOnlyList<LoadedRule>> LoadedAsync(HttpClient prometheus)
    {
        using var document = JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/rules", TestContext.Current.CancellationToken));
        return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray().Select(rule => new LoadedRule(
                group.GetProperty("name").GetString()!,
                rule.GetProperty("name").GetString()!,
                rule.GetProperty("type").GetString()!,
                rule.GetProperty("health").GetString()!,
                // Go's zero time (year 1) until the first evaluation.
                rule.TryGetProperty("lastEvaluation", out var at) && at.GetDateTimeOffset() is { Year: > 1 } evaluated ? evaluated : null,
                rule.TryGetProperty("lastError", out var error) && error.GetString() is { Length: > 0 } text ? text : null)))
            .ToList();
    }

    /// <summary>
    /// Waits until the server has loaded every shipped rule and evaluated each one after <paramref name="after"/>
    /// (e.g. once the data a test looks at is stored), and returns the rules as of that evaluation.
    /// </summary>
    public static async Task<IReadOnlyList<LoadedRule>> WaitForEvaluationAfterAsync(HttpClient prometheus, DateTimeOffset after, TimeSpan timeout)
    {
        var shipped = ShippedRules();
        return await Eventually.MatchAsync(
            () => LoadedAsync(prometheus),
            loaded => shipped.All(name => loaded.Any(rule => rule.Name == name)) && loaded.All(rule => rule.LastEvaluation > after),
            timeout,
            $"Prometheus has loaded every shipped rule ({string.Join(", ", shipped)}) and evaluated each after {after:O}");
    }
}
