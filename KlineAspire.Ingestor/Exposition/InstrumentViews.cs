using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// What a meter provider of this host records of each instrument: the view shared by the Prometheus provider and
/// the OTLP provider. Dropping an instrument here is free: OpenTelemetry then neither listens to it nor allocates
/// its metric points.
/// </summary>
/// <param name="streamCapacity">Distinct streams the run may ever hold (the subscriptions' <c>StreamCapacity</c>): the series limit.</param>
internal sealed class InstrumentViews(IMeterFactory ownMeters, int streamCapacity, IReadOnlySet<string> selectedSeries)
{
    // Room for the ingestor's own series next to one series per stream.
    private const int CardinalityHeadroom = 100;

    /// <summary>
    /// Per-stream series past which, measured on 2 cores, the ingestor needs more than 400 MB and a scrape more than
    /// 300 ms: OpenTelemetry keeps ~200 bytes of bookkeeping per series and renders ~0.5 µs per series, whatever the
    /// GC settings (docs/performance.md).
    /// </summary>
    public const long Budget = 300_000;

    /// <summary>
    /// Series limit of every instrument other than the per-stream ones (health, runtime, HTTP), each of which has a
    /// handful of series. OpenTelemetry preallocates a metric point per unit of limit for every instrument of every
    /// provider: its default of 2,000 costs about 200 KB an instrument, some 10 MiB a provider by arithmetic.
    /// </summary>
    public const int OwnInstrumentLimit = 200;

    /// <summary>Distinct streams the run may hold.</summary>
    public int Streams => streamCapacity;

    /// <summary>Per-stream series selected by <c>Binance:Series</c>.</summary>
    public int SeriesPerStream => selectedSeries.Count;

    /// <summary>
    /// The most per-stream series one export can carry in this run: its room for streams × selected per-stream series.
    /// With patterns the streams at startup may be none at all (exchangeInfo answers later) and listings add more;
    /// the room bounds both, so a decision taken on it holds for the whole run.
    /// </summary>
    public long PerStreamSeries => (long)streamCapacity * selectedSeries.Count;

    /// <param name="instrument">The instrument a provider asks about.</param>
    /// <param name="marketMeter">The market meter this provider owns: the one whose instruments read its own readings.</param>
    /// <param name="perStreamSeries">False to keep only the market-wide instruments of <paramref name="marketMeter"/> (OTLP above the cut).</param>
    public MetricStreamConfiguration? Configure(Instrument instrument, string marketMeter, bool perStreamSeries = true)
    {
        // Meter providers listen by name process-wide; a second host in the same process (tests, benchmarks)
        // must not leak its instruments into this one's exports.
        if (instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, ownMeters))
        {
            return MetricStreamConfiguration.Drop;
        }

        if (instrument.Meter.Name is not (IngestorTelemetry.PrometheusMarketMeterName or IngestorTelemetry.OtlpMarketMeterName))
        {
            return null;
        }

        // Another provider's market instruments read that provider's readings: collecting them here would start or
        // consume its readings from this provider's collections.
        if (instrument.Meter.Name != marketMeter)
        {
            return MetricStreamConfiguration.Drop;
        }

        if (!KlineSeries.IsInstrument(instrument.Name))
        {
            return null;
        }

        return perStreamSeries && selectedSeries.Contains(instrument.Name)
            // The default limit of 2000 series per metric would fold streams into an overflow series. Only the
            // per-stream instruments get the raised limit: OpenTelemetry preallocates a metric point per unit of
            // limit, and the ingestor's own instruments have a handful of series each.
            ? new MetricStreamConfiguration { CardinalityLimit = Math.Max(2000, streamCapacity + CardinalityHeadroom) }
            : MetricStreamConfiguration.Drop;
    }
}
