using System.Globalization;

namespace KlineAspire.Simulator;

/// <summary>Binance writes prices and volumes as strings with eight decimals, on the WebSocket and in REST alike.</summary>
internal static class BinanceNumbers
{
    public static string Format(decimal value) => value.ToString("0.00000000", CultureInfo.InvariantCulture);
}
