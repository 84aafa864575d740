using OpenTelemetry.Metrics;

namespace KlineAspire.Ingestor.Exposition;

internal static class OwnInstrumentLimit
{
    /// <summary>
    /// The default series limit of a provider's instruments: <see cref="InstrumentViews.OwnInstrumentLimit"/>. The
    /// per-stream instruments get theirs from the view. A view per instrument cannot set it for the others: the
    /// service defaults' renaming views would then match twice and export those instruments under both names.
    /// </summary>
    public static MeterProviderBuilder SetOwnInstrumentLimit(this MeterProviderBuilder metrics)
    {
        // Obsolete in favour of views since OpenTelemetry 1.10 (see above why a view cannot do it), and still the only
        // public way to set a provider's default.
#pragma warning disable CS0618
        return metrics.SetMaxMetricPointsPerMetricStream(InstrumentViews.OwnInstrumentLimit);
#pragma warning restore CS0618
    }
}
