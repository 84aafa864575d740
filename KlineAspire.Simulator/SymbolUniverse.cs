using System.Collections.Concurrent;

namespace KlineAspire.Simulator;

/// <summary>
/// The symbols the exchange lists and which of them trade. Configured (<see cref="SimulatorOptions.Symbols"/>), the
/// universe is strict: only listed <c>TRADING</c> symbols stream. Unconfigured, it lists
/// <see cref="DefaultSymbols"/> and is open: any other well-formed symbol trades too, so clients can subscribe to
/// made-up symbols, while listed non-trading and delisted symbols stay silent. Either way the synthetic symbols
/// (<see cref="SimulatorOptions.SyntheticSymbols"/>) and then <see cref="SimulatorOptions.ExtraSymbols"/> are listed on
/// top, the latter replacing a listing of the same symbol.
/// </summary>
public sealed class SymbolUniverse
{
    public static readonly IReadOnlyList<string> DefaultSymbols =
        ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "ETHBTC", "BNBFDUSD", "LUNAUSDT:BREAK", "BTTCTRY:HALT"];

    private readonly ConcurrentDictionary<string, ExchangeSymbol> _listed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _delisted = new(StringComparer.Ordinal);

    public SymbolUniverse(SimulatorOptions options)
    {
        IsOpen = options.Symbols.Count == 0;
        foreach (var text in IsOpen ? DefaultSymbols : options.Symbols)
        {
            if (!ExchangeSymbol.TryParse(text, out var symbol, out var error))
            {
                throw Invalid(nameof(SimulatorOptions.Symbols), error);
            }

            _listed[symbol!.Symbol] = symbol;
        }

        if (options.SyntheticSymbols < 0)
        {
            throw Invalid(nameof(SimulatorOptions.SyntheticSymbols), $"{options.SyntheticSymbols} is not a count of symbols (0 or more).");
        }

        foreach (var symbol in SyntheticSymbols.Generate(options.SyntheticSymbols))
        {
            _listed[symbol.Symbol] = symbol;
        }

        foreach (var text in options.ExtraSymbols)
        {
            if (!TryParseExtra(text, out var symbol, out var error))
            {
                throw Invalid(nameof(SimulatorOptions.ExtraSymbols), error);
            }

            _listed[symbol!.Symbol] = symbol;
        }
    }

    /// <summary>Whether symbols that are not listed trade (the unconfigured universe).</summary>
    public bool IsOpen { get; }

    public IReadOnlyList<ExchangeSymbol> Listed => _listed.Values.OrderBy(s => s.Symbol, StringComparer.Ordinal).ToList();

    /// <summary>Whether the symbol's streams are fed.</summary>
    public bool IsTrading(string symbol) =>
        _listed.TryGetValue(symbol, out var listed) ? listed.IsTrading : IsOpen && !_delisted.ContainsKey(symbol);

    /// <summary>Whether REST knows the symbol (any status); otherwise it answers "Invalid symbol.".</summary>
    public bool Exists(string symbol) =>
        _listed.ContainsKey(symbol) || (IsOpen && ExchangeSymbol.IsWellFormed(symbol) && !_delisted.ContainsKey(symbol));

    /// <summary>Lists a symbol or changes its status; it streams (or falls silent) from the next update on.</summary>
    public void List(ExchangeSymbol symbol)
    {
        _delisted.TryRemove(symbol.Symbol, out _);
        _listed[symbol.Symbol] = symbol;
    }

    /// <summary>Removes a symbol: it leaves exchangeInfo and its streams fall silent, in an open universe too.</summary>
    public bool Delist(string symbol)
    {
        _delisted[symbol] = 0;
        return _listed.TryRemove(symbol, out _);
    }

    // A watch list may name a pair whose quote asset the simulator does not know (BTCGBP, BTCJPY). Refusing it would stop
    // the offline run; most of Binance's other quote assets are three-letter fiat codes, so split there instead.
    private static bool TryParseExtra(string text, out ExchangeSymbol? symbol, out string error)
    {
        if (ExchangeSymbol.TryParse(text, out symbol, out error))
        {
            return true;
        }

        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        var name = parts[0].ToUpperInvariant();
        return name.Length > 3
            && ExchangeSymbol.TryCreate(name, parts.Length == 2 ? parts[1].ToUpperInvariant() : ExchangeSymbol.Trading, name[..^3], name[^3..],
                out symbol, out _);
    }

    private static InvalidOperationException Invalid(string setting, string error) =>
        new($"{SimulatorOptions.SectionName}:{setting}: {error}");
}
