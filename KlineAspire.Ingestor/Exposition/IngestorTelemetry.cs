using System.Diagnostics;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>Names shared by the ingestor's meters, activity source and logs.</summary>
public static class IngestorTelemetry
{
    /// <summary>Also the application name, which the service defaults register as a trace source.</summary>
    public const string Name = "KlineAspire.Ingestor";

    /// <summary>
    /// Instruments about the ingestor itself (connections, messages, lag, REST), which read no <see cref="MarketReadings"/>:
    /// every meter provider of the host records them.
    /// </summary>
    public const string MeterName = Name;

    /// <summary>
    /// The market data served on <c>/metrics</c>: the per-stream instruments and the missed-candle count, all reading the
    /// Prometheus provider's <see cref="MarketReadings"/>. Only that provider listens to this meter.
    /// </summary>
    public const string PrometheusMarketMeterName = Name + ".Market.Prometheus";

    /// <summary>
    /// The same instruments for the OTLP provider, with a reading of the store of their own: the two providers collect
    /// concurrently, and a reading shared between them, or an instrument of one read by the other, would let an OTLP
    /// export start or consume a reading in the middle of a scrape.
    /// </summary>
    public const string OtlpMarketMeterName = Name + ".Market.Otlp";

    public static readonly ActivitySource ActivitySource = new(Name);
}
