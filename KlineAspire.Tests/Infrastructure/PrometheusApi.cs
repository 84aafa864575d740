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
}
