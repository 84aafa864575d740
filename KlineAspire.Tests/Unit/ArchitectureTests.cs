using System.Text.RegularExpressions;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The ingestor's folders are layers along the data path, and each may use only the layers below it: a change
/// belongs in the lowest layer that can hold it, and no folder depends on one that depends on it. Dependencies are
/// read from the sources (using lines and qualified names), which is what a reader of the code follows.
/// </summary>
public partial class ArchitectureTests
{
    private const string Root = "KlineAspire.Ingestor";

    /// <summary>Bottom first. The wiring at the top (the project's root folder) may use every layer.</summary>
    public static readonly string[] Layers =
    [
        "Configuration", // settings and the protocol's limits: used by everything, uses nothing
        "Pacing",        // back-off, rate windows, restart-on-fault: timing primitives with no domain
        "Parsing",       // a frame's bytes to a ParsedFrame
        "Candles",       // the calendar, the store of every stream's candles, closed-candle and gap accounting
        "Exposition",    // readings of the store per collection, the gauges, the ingestor's own metrics, OTLP
        "Subscriptions", // which symbols and streams, on which connection, with whose coverage
        "History",       // each stream's past candles from REST, within the shared weight budget, as OpenMetrics for Prometheus
        "Feed",          // the connections to Binance, and the junction frame -> parse -> store -> count
        "Health",        // whether data is actually flowing
    ];

    public static TheoryData<string> Folders => [.. Layers];

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_layer_uses_only_the_layers_below_it(string folder)
    {
        var below = Layers.Take(Array.IndexOf(Layers, folder)).ToHashSet(StringComparer.Ordinal);
        var offending = SourcesOf(folder)
            .SelectMany(file => DependenciesOf(file).Where(used => used != folder && !below.Contains(used))
                .Select(used => $"{RepositoryPaths.Relative(file)} uses {used}"))
            .ToList();

        Assert.True(offending.Count == 0, $"{folder} may use only {string.Join(", ", below.DefaultIfEmpty("nothing"))}:\n{string.Join("\n", offending)}");
    }

    [Fact]
    public void Every_folder_of_the_ingestor_is_a_known_layer()
    {
        var folders = Directory.GetDirectories(RepositoryPaths.Combine(Root))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj" or "Properties"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(Layers.Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public void Namespaces_follow_the_folders()
    {
        var wrong = Layers.SelectMany(SourcesOf)
            .Where(file => !File.ReadAllText(file).Contains($"namespace {Root}.{Path.GetFileName(Path.GetDirectoryName(file))};", StringComparison.Ordinal))
            .Select(RepositoryPaths.Relative)
            .ToList();

        Assert.Empty(wrong);
    }

    [Fact]
    public void The_reading_finds_real_dependencies()
    {
        // Guards the test itself: the feed stores frames, so a reading that found nothing there would prove nothing.
        Assert.Contains("Candles", SourcesOf("Feed").SelectMany(DependenciesOf));
    }

    private static IEnumerable<string> SourcesOf(string folder) =>
        Directory.GetFiles(RepositoryPaths.Combine(Root, folder), "*.cs", SearchOption.AllDirectories);

    private static IEnumerable<string> DependenciesOf(string file) =>
        IngestorNamespace().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value).Distinct();

    // "using KlineAspire.Ingestor.Candles;" and "KlineAspire.Ingestor.Candles.KlineStore" alike; not the file's own namespace line.
    [GeneratedRegex(@"(?<!namespace )\bKlineAspire\.Ingestor\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex IngestorNamespace();
}
