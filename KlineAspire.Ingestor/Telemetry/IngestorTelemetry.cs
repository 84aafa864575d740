using System.Diagnostics;

namespace KlineAspire.Ingestor.Telemetry;

/// <summary>Names shared by the ingestor's meters, activity source and logs.</summary>
public static class IngestorTelemetry
{
    /// <summary>Also the application name, which the service defaults register as a trace source.</summary>
    public const string Name = "KlineAspire.Ingestor";

    public const string MeterName = Name;

    /// <summary>Instruments about the ingestor itself (no symbol labels) are named <c>kline.ingestor.*</c>.</summary>
    public const string HealthInstrumentPrefix = "kline.ingestor.";

    public static readonly ActivitySource ActivitySource = new(Name);
}
