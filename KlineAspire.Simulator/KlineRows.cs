using System.Text;

namespace KlineAspire.Simulator;

/// <summary>
/// <c>GET /api/v3/klines</c> rows: <c>[openTime,"o","h","l","c","v",closeTime,"q",trades,"V","Q","0"]</c>, with the
/// same eight-decimal strings the WebSocket sent.
/// </summary>
internal static class KlineRows
{
    public static string ToJson(IEnumerable<KlineCandle> candles)
    {
        var json = new StringBuilder("[");
        foreach (var c in candles)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append($$"""[{{c.OpenTime}},"{{F(c.Open)}}","{{F(c.High)}}","{{F(c.Low)}}","{{F(c.Close)}}","{{F(c.BaseVolume)}}",{{c.CloseTime}},"{{F(c.QuoteVolume)}}",{{c.Trades}},"{{F(c.TakerBuyBaseVolume)}}","{{F(c.TakerBuyQuoteVolume)}}","0"]""");
        }

        return json.Append(']').ToString();
    }

    private static string F(decimal value) => BinanceNumbers.Format(value);
}
