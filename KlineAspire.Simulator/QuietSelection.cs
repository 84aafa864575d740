namespace KlineAspire.Simulator;

/// <summary>Body and answer of <c>GET|POST /api/feed/quiet</c>: <c>{"symbols":["XRPUSDT"],"streams":["ethusdt@kline_1h"]}</c>.</summary>
public sealed record QuietSelection(IReadOnlyList<string>? Symbols, IReadOnlyList<string>? Streams);
