namespace KlineAspire.Simulator;

/// <summary>
/// Where each symbol's price stands when the simulator starts, and Binance's price precision. The start price is a
/// function of the seed and the symbol alone, so the past served over REST ends exactly where the live walk begins,
/// whichever symbol is asked for first.
/// </summary>
internal static class MarketPrices
{
    private static readonly Dictionary<string, decimal> KnownPrices = new(StringComparer.Ordinal)
    {
        ["BTCUSDT"] = 91_250m,
        ["ETHUSDT"] = 3_050m,
        ["BNBUSDT"] = 880m,
        ["SOLUSDT"] = 142m,
        ["XRPUSDT"] = 2.15m,
        ["DOGEUSDT"] = 0.155m,
        ["ADAUSDT"] = 0.42m,
    };

    public static decimal StartPrice(int seed, string symbol) =>
        KnownPrices.TryGetValue(symbol, out var known) ? known : Round(0.01m + (decimal)(new Random(StableSeed(seed, symbol)).NextDouble() * 500), 4);

    public static int Decimals(decimal price) => price >= 1000 ? 2 : price >= 1 ? 4 : 8;

    public static decimal TickSize(int decimals) => decimals switch { 2 => 0.01m, 4 => 0.0001m, _ => 0.00000001m };

    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.ToEven);

    /// <summary>
    /// A seed for <see cref="Random"/> from the simulator's seed and some names: FNV-1a, because string hash codes
    /// change from one process to the next.
    /// </summary>
    public static int StableSeed(int seed, params string[] names)
    {
        var hash = 14_695_981_039_346_656_037UL ^ (uint)seed;
        foreach (var name in names)
        {
            foreach (var c in name + "|")
            {
                hash = (hash ^ c) * 1_099_511_628_211UL;
            }
        }

        return (int)(hash ^ (hash >> 32));
    }
}
