namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// One entry of <c>Binance:Symbols</c>: a literal symbol, or a pattern in which <c>*</c> stands for any run of
/// characters (<c>*USDT</c>, <c>BTC*</c>, <c>*</c>). Symbols are compared in upper case, as Binance lists them.
/// </summary>
public sealed record SymbolPattern(int Index, string Text)
{
    public const char Wildcard = '*';

    public bool IsPattern => Text.Contains(Wildcard, StringComparison.Ordinal);

    public bool Matches(string symbol) => Matches(Text.AsSpan(), symbol.AsSpan());

    public static IReadOnlyList<SymbolPattern> FromConfiguration(IEnumerable<string> symbols) =>
        symbols.Select((text, index) => new SymbolPattern(index, text.ToUpperInvariant())).ToList();

    // Greedy wildcard matching with backtracking to the last '*': linear for the patterns people write.
    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == Wildcard)
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == Wildcard)
        {
            p++;
        }

        return p == pattern.Length;
    }

    public override string ToString() => Text;
}
