using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>The streams one connection subscribes to.</summary>
public sealed record ConnectionPlan(int Index, IReadOnlyList<StreamId> Streams);

/// <summary>All configured streams and how they are spread over connections.</summary>
public sealed record StreamPlan(IReadOnlyList<StreamId> Streams, IReadOnlyList<ConnectionPlan> Connections);
