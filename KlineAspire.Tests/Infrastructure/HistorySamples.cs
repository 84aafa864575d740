using System.Globalization;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>One sample of an OpenMetrics exposition with timestamps, as <c>/history</c> writes it.</summary>
internal readonly record struct HistorySample(string Name, double Value, long UnixMs);

/// <summary>Reads the samples of a <c>/history</c> body: every line but the comments, <c>name{labels} value timestamp</c>.</summary>
internal static class HistorySamples
{
    public static List<HistorySample> Parse(string body) =>
    [
        .. body.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line =>
        {
            var parts = line.Split(' ');
            return new HistorySample(line[..line.IndexOf('{', StringComparison.Ordinal)], double.Parse(parts[^2], CultureInfo.InvariantCulture),
                (long)Math.Round(double.Parse(parts[^1], CultureInfo.InvariantCulture) * 1000));
        }),
    ];
}
