using KlineAspire.Ingestor.Configuration;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// The per-stream series a user can choose with <c>Binance:Series</c>, by the Prometheus names they see in
/// <c>/metrics</c>, and the groups of them. Each maps to the instrument that produces it, so a view can drop the
/// unselected instruments before OpenTelemetry allocates anything for them.
/// </summary>
public static class KlineSeries
{
    public const string All = BinanceOptions.AllSeries;

    // Prometheus name → instrument name.
    private static readonly Dictionary<string, string> InstrumentByName =
        KlineInstruments.All.ToDictionary(instrument => instrument.PrometheusName, instrument => instrument.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, string[]> GroupMembers = new[] { All }
        .Concat(KlineInstruments.Groups)
        .ToDictionary(
            group => group,
            group => KlineInstruments.All
                .Where(instrument => group == All || instrument.Groups.Contains(group))
                .Select(instrument => instrument.PrometheusName)
                .ToArray(),
            StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> InstrumentNames = new(InstrumentByName.Values, StringComparer.Ordinal);

    /// <summary>True for a per-stream instrument (one series per stream), false for the market-wide ones beside them.</summary>
    public static bool IsInstrument(string instrumentName) => InstrumentNames.Contains(instrumentName);

    /// <summary>The group names, for error messages and docs/configuration.md.</summary>
    public static IEnumerable<string> Groups => GroupMembers.Keys;

    /// <summary>Every per-stream series by Prometheus name.</summary>
    public static IEnumerable<string> Names => InstrumentByName.Keys;

    public static bool IsKnown(string entry) => GroupMembers.ContainsKey(entry) || InstrumentByName.ContainsKey(entry);

    /// <summary>Instrument names selected by <paramref name="entries"/> (groups and Prometheus names); unknown entries select nothing.</summary>
    public static IReadOnlySet<string> InstrumentsFor(IEnumerable<string> entries)
    {
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var name in GroupMembers.TryGetValue(entry, out var members) ? members : [entry])
            {
                if (InstrumentByName.TryGetValue(name, out var instrument))
                {
                    selected.Add(instrument);
                }
            }
        }

        return selected;
    }
}
