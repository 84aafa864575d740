namespace KlineAspire.Ingestor.Feed;

/// <summary>When the ingestor started: readiness grants a grace period after it before calling anything trouble.</summary>
internal sealed record IngestorStart(DateTimeOffset At);
