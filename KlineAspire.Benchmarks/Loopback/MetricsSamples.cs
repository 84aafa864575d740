using System.Globalization;

namespace KlineAspire.Benchmarks.Loopback;

/// <summary>Just enough of the Prometheus text and OpenMetrics formats to check a harness run.</summary>
internal static class MetricsSamples
{
    /// <summary>The sum of every sample of a metric (all label sets).</summary>
    public static double Sum(string exposition, string name)
    {
        var total = 0.0;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name) && line.Length > name.Length && (line[name.Length] == '{' || line[name.Length] == ' '))
            {
                // The value follows the name or label set; OpenMetrics may add a timestamp or an exemplar after it.
                var value = line[(line[name.Length] == '{' ? line.IndexOf("} ") + 2 : name.Length + 1)..];
                var end = value.IndexOf(' ');
                total += double.Parse(end < 0 ? value : value[..end], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    /// <summary>How many samples of <paramref name="name"/> have exactly <paramref name="value"/> as their value text.</summary>
    public static int CountWithValue(string exposition, string name, string value)
    {
        var count = 0;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name) && line.Length > name.Length && line[name.Length] == '{' && line.EndsWith(" " + value))
            {
                count++;
            }
        }

        return count;
    }

    public static int Count(string exposition, string name)
    {
        var count = 0;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name) && line.Length > name.Length && line[name.Length] == '{')
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Value text of every sample of <paramref name="name"/> by its label text, less the <c>otel_scope_name</c> label
    /// when the exporter adds one.
    /// </summary>
    public static Dictionary<string, string> ValuesByLabels(string exposition, string name)
    {
        const string scopeLabel = "otel_scope_name=\"";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(name) || line.Length <= name.Length || line[name.Length] != '{')
            {
                continue;
            }

            var labels = line[(name.Length + 1)..line.IndexOf('}')];
            if (labels.StartsWith(scopeLabel))
            {
                labels = labels[(labels[scopeLabel.Length..].IndexOf('"') + scopeLabel.Length + 2)..];
            }

            var value = line[(line.IndexOf('}') + 2)..];
            var end = value.IndexOf(' ');
            values[labels.ToString()] = (end < 0 ? value : value[..end]).ToString();
        }

        return values;
    }
}
