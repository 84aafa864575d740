using KlineAspire.Ingestor.Candles;
namespace KlineAspire.Simulator;

/// <summary>
/// Realistic-looking market data: one price path per symbol, aggregated into a candle per interval, with new
/// candles opening on the interval boundary. As on Binance, a candle's last trades (between its last push and its
/// close) reach clients only in its final update (<c>x:true</c>), which comes <c>finalUpdateDelay</c> after the close;
/// the next candle of the stream is pushed only after that final update.
/// </summary>
internal sealed class RandomWalk(int seed, TimeSpan finalUpdateDelay)
{
    /// <summary>The scale of one step's price move (a sum of three uniforms, centred, times this): the walk's volatility.</summary>
    internal const double StepShock = 0.001;

    private readonly long _finalUpdateDelayMs = (long)finalUpdateDelay.TotalMilliseconds;
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, SymbolState> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private List<StreamState> _active = [];

    /// <summary>
    /// When the walk next has something to do besides a step: a candle of an active stream ends, or a final update
    /// falls due (Unix ms); null when nothing is pending.
    /// </summary>
    public long? NextDue
    {
        get
        {
            long? due = null;
            foreach (var stream in _active)
            {
                var next = stream.Finals.Count > 0 ? stream.Finals[0].Due : long.MaxValue;
                if (stream.Current is { } current)
                {
                    next = Math.Min(next, current.CloseTime + 1);
                }

                if (next != long.MaxValue && (due is null || next < due))
                {
                    due = next;
                }
            }

            return due;
        }
    }

    /// <summary>
    /// Brings the given streams to <paramref name="nowMilliseconds"/> and returns what to send, in order: final updates
    /// that fell due, then, when <paramref name="step"/> (every symbol trades once), every stream's forming candle
    /// unless it still waits for its predecessor's final update.
    /// </summary>
    public List<KlineCandle> Advance(IEnumerable<string> streamNames, long nowMilliseconds, bool step)
    {
        var bySymbol = streamNames
            .Select(name => StreamNames.TryParseKline(name, out var symbol, out var interval, out var utc8) ? (symbol, interval, utc8) : default)
            .Where(s => s.symbol is not null && s.symbol.Length > 0)
            .GroupBy(s => s.symbol, StringComparer.Ordinal)
            .Select(group => (Symbol: group.Key, Streams: group.Select(s => StateOf(s.symbol, s.interval, s.utc8)).ToList()))
            .ToList();
        _active = [.. bySymbol.SelectMany(symbol => symbol.Streams)];
        var updates = new List<KlineCandle>();
        foreach (var (symbol, streams) in bySymbol)
        {
            Close(symbol, streams, nowMilliseconds);
            foreach (var stream in streams)
            {
                Release(stream, nowMilliseconds, updates);
            }

            if (step)
            {
                var trade = NextTrade(symbol, minimumTrades: 0);
                foreach (var stream in streams)
                {
                    Step(stream, trade, nowMilliseconds, updates);
                }
            }
        }

        return updates;
    }

    private StreamState StateOf(string symbol, string interval, bool utc8)
    {
        var suffix = utc8 ? StreamNames.Utc8Suffix : null;
        var key = StreamNames.Kline(symbol, interval) + suffix;
        if (!_streams.TryGetValue(key, out var state))
        {
            _streams[key] = state = new StreamState(symbol, interval, suffix, KlineCalendar.Parse(interval + suffix));
        }

        return state;
    }

    /// <summary>
    /// Candles that ended take the trades made between their last push and their close (one late trade of the symbol,
    /// which the symbol's other candles have too) and wait for their final update.
    /// </summary>
    private void Close(string symbol, List<StreamState> streams, long now)
    {
        if (!streams.Any(stream => stream.Current is { } current && current.CloseTime < now))
        {
            return;
        }

        var late = NextTrade(symbol, minimumTrades: 1);
        foreach (var stream in streams.Where(stream => stream.Current is not null))
        {
            var current = With(stream.Current!, late, stream.Current!.EventTime);
            if (current.CloseTime < now)
            {
                stream.Finals.Add((current with { IsClosed = true }, current.CloseTime + 1 + _finalUpdateDelayMs));
                stream.Current = null;
                stream.LastClose = current.Close;
            }
            else
            {
                stream.Current = current;
            }
        }
    }

    private static void Release(StreamState stream, long now, List<KlineCandle> updates)
    {
        while (stream.Finals.Count > 0 && stream.Finals[0].Due <= now)
        {
            updates.Add(stream.Finals[0].Candle with { EventTime = now });
            stream.Finals.RemoveAt(0);
            stream.ReleasedAt = now;
        }
    }

    private static void Step(StreamState stream, Trade trade, long now, List<KlineCandle> updates)
    {
        if (stream.Current is { } current)
        {
            stream.Current = With(current, trade, now);
        }
        else
        {
            var openTime = stream.Calendar.OpenTimeAt(now);
            var previousClose = stream.LastClose ?? trade.PriceBefore;
            stream.Current = new KlineCandle(stream.Symbol, stream.Interval, now, openTime, stream.Calendar.CloseTime(openTime),
                trade.Trades == 0 ? -1 : trade.FirstTradeId, trade.Trades == 0 ? -1 : trade.LastTradeId,
                previousClose, trade.Price, Math.Max(previousClose, trade.Price), Math.Min(previousClose, trade.Price),
                trade.BaseVolume, trade.Trades, false, Round(trade.BaseVolume * trade.Price, 8), trade.TakerBaseVolume, Round(trade.TakerBaseVolume * trade.Price, 8))
            {
                TimeZoneSuffix = stream.Suffix,
            };
        }

        // Binance sends a candle's final update before the next candle's first; one sent at this very instant would
        // also share its event time with the new candle's update.
        if (stream.Finals.Count == 0 && stream.ReleasedAt != now)
        {
            updates.Add(stream.Current);
        }
    }

    private static KlineCandle With(KlineCandle current, Trade trade, long eventTime) => current with
    {
        EventTime = eventTime,
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

    private Trade NextTrade(string symbol, int minimumTrades)
    {
        if (!_symbols.TryGetValue(symbol, out var state))
        {
            state = new SymbolState(MarketPrices.StartPrice(seed, symbol), 1_000_000 + _random.Next(1_000_000));
            _symbols[symbol] = state;
        }

        // A step of about 0.05 % with fat-ish tails: the sum of uniforms approximates a normal.
        var shock = (decimal)((_random.NextDouble() + _random.NextDouble() + _random.NextDouble() - 1.5) * StepShock);
        var before = state.Price;
        var price = Math.Max(TickSize(before), Round(before * (1 + shock), Decimals(before)));
        var trades = _random.Next(minimumTrades, 25);
        var baseVolume = trades == 0 ? 0m : Round((decimal)_random.NextDouble() * trades * 1000m / price, 8);
        var taker = Round(baseVolume * (decimal)_random.NextDouble(), 8);
        var first = state.NextTradeId;
        state.NextTradeId += trades;
        state.Price = price;
        return new Trade(before, price, trades, first, first + trades - 1, baseVolume, taker);
    }

    private static int Decimals(decimal price) => MarketPrices.Decimals(price);

    private static decimal TickSize(decimal price) => MarketPrices.TickSize(Decimals(price));

    private static decimal Round(decimal value, int decimals) => MarketPrices.Round(value, decimals);

    private sealed class SymbolState(decimal price, long nextTradeId)
    {
        public decimal Price { get; set; } = price;

        public long NextTradeId { get; set; } = nextTradeId;
    }

    private sealed class StreamState(string symbol, string interval, string? suffix, KlineCalendar calendar)
    {
        public string Symbol { get; } = symbol;

        public string Interval { get; } = interval;

        public string? Suffix { get; } = suffix;

        public KlineCalendar Calendar { get; } = calendar;

        /// <summary>The candle trading now, or null until the first step after the previous one ended.</summary>
        public KlineCandle? Current { get; set; }

        public decimal? LastClose { get; set; }

        /// <summary>Ended candles with their final values, oldest first, each with the instant it is sent.</summary>
        public List<(KlineCandle Candle, long Due)> Finals { get; } = [];

        public long ReleasedAt { get; set; } = long.MinValue;
    }

    private readonly record struct Trade(decimal PriceBefore, decimal Price, int Trades, long FirstTradeId, long LastTradeId, decimal BaseVolume, decimal TakerBaseVolume);
}
