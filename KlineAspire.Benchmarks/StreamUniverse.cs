using System.Globalization;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Benchmarks;

/// <summary>Generated symbols × intervals: every Binance interval when the count allows, else 1m only.</summary>
internal sealed record StreamUniverse(IReadOnlyList<string> Symbols, IReadOnlyList<string> Intervals)
{
    public int Count => Symbols.Count * Intervals.Count;

    public static StreamUniverse Of(int streams)
    {
        var intervals = streams % KlineCalendar.Intervals.Count == 0 ? KlineCalendar.Intervals : ["1m"];
        var symbols = Enumerable.Range(0, streams / intervals.Count)
            .Select(index => string.Create(CultureInfo.InvariantCulture, $"B{index:D5}USDT"))
            .ToArray();
        return new StreamUniverse(symbols, intervals);
    }

    /// <summary>Streams in the order the benchmarks send them: interleaved, as on a real connection.</summary>
    public IEnumerable<(string Symbol, string Interval)> Streams() =>
        from symbol in Symbols from interval in Intervals select (symbol, interval);

    public string[] IngestorArgs() =>
    [
        $"--Binance:Symbols={string.Join(',', Symbols)}",
        $"--Binance:Intervals={string.Join(',', Intervals)}",
    ];
}
