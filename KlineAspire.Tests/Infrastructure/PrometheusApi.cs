using System.Globalization;
using System.Text.Json;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Prometheus' HTTP query API, for any server: one the tests start or one the AppHost runs.</summary>
public static class PrometheusApi
{
    /// <summary>Runs an instant PromQL query and returns each series' labels and value.</summary>
    public static async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(HttpClient http, string promql)
    {
        var json = await http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}", TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(json);
        var data = document.RootElement.GetProperty("data");
        return data.GetProperty("result").EnumerateArray()
            .Select(series => (
                (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>
    /// Runs an instant query for a range vector (e.g. <c>kline_close_price[1m]</c>) and returns every raw sample of
    /// each series with its scrape timestamp, so samples of one scrape can be told apart from the next.
    /// </summary>
    public static async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)>>
        QuerySamplesAsync(HttpClient http, string rangeVector) =>
        ReadMatrix(await http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(rangeVector)}", TestContext.Current.CancellationToken));

    /// <summary>
    /// Runs a range query (<c>/api/v1/query_range</c>), evaluated at <paramref name="start"/>, then every
    /// <paramref name="step"/> up to <paramref name="end"/>, and returns each series' labels and its points.
    /// </summary>
    public static async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)>>
        QueryRangeAsync(HttpClient http, string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var query = $"query={Uri.EscapeDataString(promql)}&start={Seconds(start)}&end={Seconds(end)}"
            + $"&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}";
        return ReadMatrix(await http.GetStringAsync($"/api/v1/query_range?{query}", TestContext.Current.CancellationToken));
    }

    private static IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)>
        ReadMatrix(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(series => (
                (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                (IReadOnlyList<(DateTimeOffset, double)>)series.GetProperty("values").EnumerateArray()
                    .Select(point => (
                        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(point[0].GetDouble() * 1000)),
                        double.Parse(point[1].GetString()!, CultureInfo.InvariantCulture)))
                    .ToList()))
            .ToList();
    }

    private static string Seconds(DateTimeOffset instant) => (instant.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture);
}
