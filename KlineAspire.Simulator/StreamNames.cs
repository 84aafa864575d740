using KlineAspire.Ingestor.Candles;
namespace KlineAspire.Simulator;

/// <summary>Binance stream-name conventions: lowercase names and the combined-stream envelope.</summary>
public static class StreamNames
{
    /// <summary>The suffix of a kline stream whose intervals are read in UTC+8.</summary>
    public const string Utc8Suffix = "@+08:00";

    public static string Kline(string symbol, string interval) => $"{symbol.ToLowerInvariant()}@kline_{interval}";

    public static string Wrap(string streamName, string rawPayload) => $$"""{"stream":"{{streamName}}","data":{{rawPayload}}}""";

    /// <summary>Splits <c>btcusdt@kline_1m</c> (optionally with the <c>@+08:00</c> suffix) into symbol and interval.</summary>
    public static bool TryParseKline(string streamName, out string symbol, out string interval) =>
        TryParseKline(streamName, out symbol, out interval, out _);

    /// <summary>As above; <paramref name="utc8"/> tells whether the name carries the UTC+8 suffix.</summary>
    public static bool TryParseKline(string streamName, out string symbol, out string interval, out bool utc8)
    {
        symbol = interval = string.Empty;
        utc8 = streamName.EndsWith(Utc8Suffix, StringComparison.Ordinal);
        var name = utc8 ? streamName[..^Utc8Suffix.Length] : streamName;
        var at = name.IndexOf("@kline_", StringComparison.Ordinal);
        if (at <= 0)
        {
            return false;
        }

        interval = name[(at + 7)..];
        symbol = name[..at].ToUpperInvariant();
        return IsKnownInterval(interval);
    }

    /// <summary>
    /// Binance accepts names of the form <c>symbol@stream</c> with a lowercase symbol; the stream part keeps its
    /// case because intervals are case-sensitive (<c>1M</c> is a month).
    /// </summary>
    public static bool IsValid(string streamName)
    {
        var at = streamName.IndexOf('@');
        return streamName.Length <= 200
            && at > 0
            && at < streamName.Length - 1
            && !streamName.Any(c => char.IsWhiteSpace(c) || c == '/')
            && !streamName[..at].Any(char.IsUpper);
    }

    /// <summary>One of Binance's 16 intervals, without a time-zone suffix (that is part of the stream name, not the interval).</summary>
    public static bool IsKnownInterval(string interval) => KlineCalendar.TryParse(interval, out var calendar) && !calendar.IsUtc8;
}
