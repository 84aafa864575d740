namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Applies <c>Binance:Symbols</c> to an exchangeInfo listing. Patterns follow the market: they select only
/// symbols listed as TRADING, because a halted or delisted symbol's streams are acknowledged and then silent.
/// Literals are the operator's explicit choice and stay selected whatever their status: a symbol on BREAK resumes
/// under the same stream name, and Binance keeps the subscription; only a literal that is not listed at all is an
/// error, since nothing will ever arrive for it.
/// </summary>
public sealed class SymbolSelector(IReadOnlyList<SymbolPattern> entries)
{
    public IReadOnlyList<SymbolPattern> Entries { get; } = entries;

    public bool HasPatterns => Entries.Any(entry => entry.IsPattern);

    /// <summary>The literal symbols, the whole selection when there is no pattern and exchangeInfo cannot be read.</summary>
    public IReadOnlyList<string> Literals => Entries.Where(entry => !entry.IsPattern).Select(entry => entry.Text).Distinct(StringComparer.Ordinal).ToList();

    public SymbolSelection Select(IReadOnlyCollection<ListedSymbol> listed)
    {
        var byName = new Dictionary<string, ListedSymbol>(StringComparer.Ordinal);
        foreach (var symbol in listed)
        {
            byName[symbol.Symbol] = symbol;
        }

        var selected = new SortedSet<string>(StringComparer.Ordinal);
        List<SymbolPattern> unknown = [], empty = [], notTrading = [];
        foreach (var entry in Entries)
        {
            if (!entry.IsPattern)
            {
                selected.Add(entry.Text);
                if (!byName.TryGetValue(entry.Text, out var found))
                {
                    unknown.Add(entry);
                }
                else if (!found.IsTrading)
                {
                    notTrading.Add(entry);
                }

                continue;
            }

            var matched = 0;
            foreach (var symbol in listed)
            {
                if (symbol.IsTrading && entry.Matches(symbol.Symbol))
                {
                    selected.Add(symbol.Symbol);
                    matched++;
                }
            }

            if (matched == 0)
            {
                empty.Add(entry);
            }
        }

        return new SymbolSelection([.. selected], unknown, empty, notTrading);
    }
}
