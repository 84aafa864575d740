using KlineAspire.Ingestor.Streams;
namespace KlineAspire.Simulator;

/// <summary>
/// Realistic-looking market data: one price path per symbol, aggregated into a candle per interval, with new
/// candles opening on the interval boundary and the previous one sent once more as closed.
/// </summary>
internal sealed class RandomWalk(int seed)
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

    private readonly Random _random = new(seed);
    private readonly Dictionary<string, SymbolState> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KlineCandle> _candles = new(StringComparer.Ordinal);

    /// <summary>Advances every symbol once and returns the next update of every given stream (plus closing updates).</summary>
    public List<KlineCandle> Step(IEnumerable<string> streamNames, long nowMilliseconds)
    {
        var streams = streamNames
            .Select(name => StreamNames.TryParseKline(name, out var symbol, out var interval, out var utc8) ? (symbol, interval, utc8) : default)
            .Where(s => s.symbol is not null && s.symbol.Length > 0)
            .GroupBy(s => s.symbol, StringComparer.Ordinal);
        var updates = new List<KlineCandle>();
        foreach (var symbolStreams in streams)
        {
            var trade = NextTrade(symbolStreams.Key);
            foreach (var (symbol, interval, utc8) in symbolStreams)
            {
                updates.AddRange(Apply(symbol, interval, utc8, trade, nowMilliseconds));
            }
        }

        return updates;
    }

    private IEnumerable<KlineCandle> Apply(string symbol, string interval, bool utc8, Trade trade, long now)
    {
        var suffix = utc8 ? StreamNames.Utc8Suffix : null;
        var key = StreamNames.Kline(symbol, interval) + suffix;
        var calendar = KlineCalendar.Parse(interval + suffix);
        var openTime = calendar.OpenTimeAt(now);
        var closeTime = calendar.CloseTime(openTime);
        if (_candles.TryGetValue(key, out var current) && current.OpenTime != openTime)
        {
            yield return current with { EventTime = now, IsClosed = true };
            current = null;
        }

        var previousClose = current?.Close ?? trade.PriceBefore;
        current = current is null
            ? new KlineCandle(symbol, interval, now, openTime, closeTime, trade.Trades == 0 ? -1 : trade.FirstTradeId, trade.Trades == 0 ? -1 : trade.LastTradeId,
                previousClose, trade.Price, Math.Max(previousClose, trade.Price), Math.Min(previousClose, trade.Price),
                trade.BaseVolume, trade.Trades, false, Round(trade.BaseVolume * trade.Price, 8), trade.TakerBaseVolume, Round(trade.TakerBaseVolume * trade.Price, 8))
            {
                TimeZoneSuffix = suffix,
            }
            : current with
            {
                EventTime = now,
                FirstTradeId = current.FirstTradeId < 0 && trade.Trades > 0 ? trade.FirstTradeId : current.FirstTradeId,
                LastTradeId = trade.Trades > 0 ? trade.LastTradeId : current.LastTradeId,
                Close = trade.Price,
                High = Math.Max(current.High, trade.Price),
                Low = Math.Min(current.Low, trade.Price),
                BaseVolume = current.BaseVolume + trade.BaseVolume,
                Trades = current.Trades + trade.Trades,
                QuoteVolume = current.QuoteVolume + Round(trade.BaseVolume * trade.Price, 8),
                TakerBuyBaseVolume = current.TakerBuyBaseVolume + trade.TakerBaseVolume,
                TakerBuyQuoteVolume = current.TakerBuyQuoteVolume + Round(trade.TakerBaseVolume * trade.Price, 8),
            };
        _candles[key] = current;
        yield return current;
    }

    private Trade NextTrade(string symbol)
    {
        if (!_symbols.TryGetValue(symbol, out var state))
        {
            state = new SymbolState(StartPrice(symbol), 1_000_000 + _random.Next(1_000_000));
            _symbols[symbol] = state;
        }

        // A step of about 0.05 % with fat-ish tails: the sum of uniforms approximates a normal.
        var shock = (decimal)((_random.NextDouble() + _random.NextDouble() + _random.NextDouble() - 1.5) * 0.001);
        var before = state.Price;
        var price = Math.Max(TickSize(before), Round(before * (1 + shock), Decimals(before)));
        var trades = _random.Next(0, 25);
        var baseVolume = trades == 0 ? 0m : Round((decimal)_random.NextDouble() * trades * 1000m / price, 8);
        var taker = Round(baseVolume * (decimal)_random.NextDouble(), 8);
        var first = state.NextTradeId;
        state.NextTradeId += trades;
        state.Price = price;
        return new Trade(before, price, trades, first, first + trades - 1, baseVolume, taker);
    }

    private decimal StartPrice(string symbol) =>
        KnownPrices.TryGetValue(symbol, out var known) ? known : Round(0.01m + (decimal)(_random.NextDouble() * 500), 4);

    private static int Decimals(decimal price) => price >= 1000 ? 2 : price >= 1 ? 4 : 8;

    private static decimal TickSize(decimal price) => Decimals(price) switch { 2 => 0.01m, 4 => 0.0001m, _ => 0.00000001m };

    private static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.ToEven);

    private sealed class SymbolState(decimal price, long nextTradeId)
    {
        public decimal Price { get; set; } = price;

        public long NextTradeId { get; set; } = nextTradeId;
    }

    private readonly record struct Trade(decimal PriceBefore, decimal Price, int Trades, long FirstTradeId, long LastTradeId, decimal BaseVolume, decimal TakerBaseVolume);
}
