using System.Diagnostics;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>Names shared by the ingestor's meters, activity source and logs.</summary>
public static class IngestorTelemetry
{
    /// <summary>Also the application name, which the service defaults register as a trace source.</summary>
    public const string Name = "KlineAspire.Ingestor";

    public const string MeterName = Name;

    /// <summary>
    /// The market data sent over OTLP, while it fits, comes from instruments of its own with their own reading of the
    /// store: the OTLP and Prometheus meter providers collect concurrently, and one shared reading would mix them.
    /// </summary>
    public const string OtlpMarketMeterName = Name + ".Market";

    /// <summary>Instruments about the ingestor itself (no symbol labels) are named <c>kline.ingestor.*</c>.</summary>
    public const string HealthInstrumentPrefix = "kline.ingestor.";

    public static readonly ActivitySource ActivitySource = new(Name);
}
