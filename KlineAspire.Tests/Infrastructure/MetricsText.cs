using System.Globalization;
using System.Text.RegularExpressions;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>One sample of a Prometheus text exposition.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A parsed <c>/metrics</c> response, with lookups by name and labels.</summary>
public sealed partial class MetricsText(string raw, IReadOnlyList<MetricSample> samples)
{
    public string Raw { get; } = raw;

    public IReadOnlyList<MetricSample> Samples { get; } = samples;

    /// <summary>
    /// When the exposition was parsed, just after its response arrived: nothing in it was collected later, so a value
    /// that depends on the ingestor's clock (a candle that rolled over) cannot be from after this instant.
    /// </summary>
    public DateTimeOffset ReadAt { get; } = DateTimeOffset.UtcNow;

    public static MetricsText Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"Not a sample line: {line}");
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(pair => pair.Groups["key"].Value, pair => Regex.Unescape(pair.Groups["value"].Value));
            samples.Add(new MetricSample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }

        return new MetricsText(text, samples);
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };

    public IEnumerable<MetricSample> All(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(sample => sample.Name == name && labels.All(label => sample.Labels.TryGetValue(label.Key, out var value) && value == label.Value));

    public double? Value(string name, params (string Key, string Value)[] labels) =>
        All(name, labels).Select(sample => (double?)sample.Value).FirstOrDefault();

    /// <summary>Sum over all series of a metric matching the labels; 0 when there is none (an unincremented counter).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) => All(name, labels).Sum(sample => sample.Value);

    public double? Kline(string name, string symbol, string interval) => Value(name, ("symbol", symbol), ("interval", interval));

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?\s*$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)"""")]
    private static partial Regex LabelPair();
}
