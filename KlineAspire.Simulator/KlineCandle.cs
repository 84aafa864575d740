using System.Text;
using System.Text.Json.Serialization;

namespace KlineAspire.Simulator;

/// <summary>One kline update as Binance sends it. Serialises field for field in Binance's order and number format.</summary>
public sealed record KlineCandle(
    string Symbol,
    string Interval,
    long EventTime,
    long OpenTime,
    long CloseTime,
    long FirstTradeId,
    long LastTradeId,
    decimal Open,
    decimal Close,
    decimal High,
    decimal Low,
    decimal BaseVolume,
    long Trades,
    bool IsClosed,
    decimal QuoteVolume,
    decimal TakerBuyBaseVolume,
    decimal TakerBuyQuoteVolume)
{
    /// <summary><c>@+08:00</c> when the candle belongs to the UTC+8 variant of the stream (intervals read in UTC+8), else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TimeZoneSuffix { get; init; }

    /// <summary>The lowercase stream name, e.g. <c>btcusdt@kline_1m</c> or <c>btcusdt@kline_1d@+08:00</c>.</summary>
    public string StreamName => StreamNames.Kline(Symbol, Interval) + TimeZoneSuffix;

    public string ToRawJson() =>
        $$"""{"e":"kline","E":{{EventTime}},"s":"{{Symbol}}","k":{"t":{{OpenTime}},"T":{{CloseTime}},"s":"{{Symbol}}","i":"{{Interval}}","f":{{FirstTradeId}},"L":{{LastTradeId}},"o":"{{Format(Open)}}","c":"{{Format(Close)}}","h":"{{Format(High)}}","l":"{{Format(Low)}}","v":"{{Format(BaseVolume)}}","n":{{Trades}},"x":{{(IsClosed ? "true" : "false")}},"q":"{{Format(QuoteVolume)}}","V":"{{Format(TakerBuyBaseVolume)}}","Q":"{{Format(TakerBuyQuoteVolume)}}","B":"0""" + "\"}}";

    public string ToCombinedJson() => StreamNames.Wrap(StreamName, ToRawJson());

    public byte[] ToUtf8(bool combined) => Encoding.UTF8.GetBytes(combined ? ToCombinedJson() : ToRawJson());

    private static string Format(decimal value) => BinanceNumbers.Format(value);
}
