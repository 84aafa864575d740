using System.Text.RegularExpressions;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// The instrument list, what <c>/metrics</c> shows and the metrics reference in docs/metrics.md say the same: every
/// per-stream instrument is exported under its listed name with its listed help text, the reference documents exactly
/// those per-stream series, and no metric of the ingestor goes undocumented.
/// </summary>
public partial class MetricsReferenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_exposition_the_instrument_list_and_the_reference_agree()
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
        // A candle closed by its x:true: the forming and the closed series both exist.
        var candle = Candles.Make("BTCUSDT", "1m", 1, closed: true);
        await simulator.PublishAsync(candle);
        await ingestor.WaitForMetricsAsync(metrics => metrics.Kline("kline_closed_close_price", "BTCUSDT", "1m") == Candles.AsDouble(candle.Close),
            "the closed candle is exported", Timeout);
        var exposition = await ingestor.ScrapeRawAsync();

        var listed = KlineInstruments.All.Append(KlineInstruments.MissedCandles).ToList();
        Assert.All(listed,
            instrument => Assert.Contains($"# HELP {instrument.PrometheusName} {instrument.Description}\n", exposition, StringComparison.Ordinal));

        var reference = ReferenceRows();
        var perStream = reference.Where(row => row.Labels.Contains("`symbol`", StringComparison.Ordinal)).Select(row => row.Name).ToList();
        Assert.Equal(KlineInstruments.All.Select(instrument => instrument.PrometheusName).Order(StringComparer.Ordinal),
            perStream.Order(StringComparer.Ordinal));

        var documented = reference.Select(row => row.Name).ToHashSet(StringComparer.Ordinal);
        var exported = TypeLine().Matches(exposition).Select(match => match.Groups[1].Value).Where(name => name.StartsWith("kline_", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(exported);
        Assert.All(exported, name => Assert.True(documented.Contains(name), $"{name} is exported but not in docs/metrics.md"));
    }

    /// <summary>The rows of the reference table: name (first column, in backticks) and labels (fourth column).</summary>
    private static List<(string Name, string Labels)> ReferenceRows()
    {
        var rows = File.ReadLines(RepositoryPaths.Combine("docs", "metrics.md"))
            .Select(line => ReferenceRow().Match(line))
            .Where(match => match.Success)
            .Select(match => (match.Groups["name"].Value, match.Groups["labels"].Value))
            .ToList();
        Assert.NotEmpty(rows);
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<name>kline_[a-z_]+)` \|[^|]+\|[^|]+\|(?<labels>[^|]*)\|")]
    private static partial Regex ReferenceRow();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
