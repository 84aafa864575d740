namespace KlineAspire.Simulator;

/// <summary>
/// Markets where nothing trades: Binance pushes a kline only when something changed, so such a stream is silent on a
/// healthy connection. Here a quiet stream gets one update after each SUBSCRIBE (so the client has a price) and then
/// none. Quiet by stream name (<c>xrpusdt@kline_1h</c>) or by symbol (all its streams).
/// </summary>
public sealed class QuietStreams
{
    private volatile Selection _selection = Selection.Empty;

    public QuietStreams(SimulatorOptions options) => Set(options.QuietSymbols, options.QuietStreams);

    /// <summary>Upper-case symbols all of whose streams are quiet.</summary>
    public IReadOnlyList<string> Symbols => _selection.SymbolNames;

    public IReadOnlyList<string> Streams => _selection.StreamNames;

    /// <summary>Replaces the quiet set; streams already served their one update stay silent, others get theirs next.</summary>
    public void Set(IEnumerable<string> symbols, IEnumerable<string> streams) => _selection = new Selection(symbols, streams);

    public bool IsQuiet(string streamName)
    {
        var selection = _selection;
        if (selection.IsEmpty)
        {
            return false;
        }

        if (selection.Streams.Contains(streamName))
        {
            return true;
        }

        var at = streamName.IndexOf('@');
        return at > 0 && selection.LowercaseSymbols.Contains(streamName.AsSpan(0, at));
    }

    private sealed class Selection
    {
        public static readonly Selection Empty = new([], []);

        public Selection(IEnumerable<string> symbols, IEnumerable<string> streams)
        {
            SymbolNames = symbols
                .Select(s => s.Trim().ToUpperInvariant())
                .Where(s => s.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            StreamNames = streams.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            Streams = StreamNames.ToHashSet(StringComparer.Ordinal);
            // Stream names carry the symbol in lower case; a span lookup spares an allocation per update.
            LowercaseSymbols = SymbolNames.Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            IsEmpty = SymbolNames.Count == 0 && StreamNames.Count == 0;
        }

        public IReadOnlyList<string> SymbolNames { get; }

        public IReadOnlyList<string> StreamNames { get; }

        public HashSet<string> Streams { get; }

        public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> LowercaseSymbols { get; }

        public bool IsEmpty { get; }
    }
}
