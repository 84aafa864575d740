using System.Globalization;

namespace KlineAspire.Benchmarks.Loopback;

/// <summary>Just enough of the Prometheus text format to check a harness run.</summary>
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
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
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
}
