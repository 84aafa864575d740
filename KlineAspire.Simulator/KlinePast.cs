using System.Collections.Concurrent;
using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Simulator;

/// <summary>
/// The exchange's candles from before the simulator started, for <c>GET /api/v3/klines</c>: for every UTC stream,
/// <see cref="SimulatorOptions.PastCandles"/> closed candles ending where the candle forming at the start opens, computed
/// from (seed, symbol, interval) alone, so every run and every test sees the same past. It ends at the symbol's
/// <see cref="MarketPrices.StartPrice"/>, where the live walk begins. Until the walk moves a stream (it starts a stream
/// when it is first subscribed), the candles since the start are empty ones at that price, as Binance shows a market
/// without trades; the latest <see cref="MaxEmptyCandles"/> of them are kept.
/// The past belongs to the random walk: with the feed off (tests that publish by hand) there is none.
/// </summary>
internal sealed class KlinePast
{
    private const int MaxEmptyCandles = 1000;

    private readonly int _count;
    private readonly int _seed;
    private readonly double _perMinute;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Symbol, string Interval), KlineCandle[]> _generated = new();

    public KlinePast(SimulatorOptions options, TimeProvider time)
    {
        _count = options.UpdatePeriod > TimeSpan.Zero ? options.PastCandles : 0;
        _seed = options.Seed;
        _perMinute = _count > 0 ? RandomWalk.StepShock * Math.Sqrt(TimeSpan.FromMinutes(1) / options.UpdatePeriod) : 0;
        _time = time;
        Start = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>
    /// The simulator's start (Unix ms): the past is what closed before the candle forming then. Taken when the host starts,
    /// not at the first REST request: the feed, a hosted service, needs the publisher, which needs the history and this.
    /// </summary>
    public long Start { get; }

    /// <summary>
    /// The stream's past, oldest first, up to the candle opening at <paramref name="liveFrom"/> (the first candle the walk
    /// published, or null while it has published none: then up to the candle forming now).
    /// </summary>
    public IEnumerable<KlineCandle> Before(string symbol, string interval, long? liveFrom)
    {
        if (_count <= 0 || !KlineCalendar.TryParse(interval, out var calendar) || calendar.IsUtc8)
        {
            return [];
        }

        var until = liveFrom ?? calendar.OpenTimeAt(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var past = _generated.GetOrAdd((symbol, interval), key => Generate(key.Symbol, key.Interval, calendar));
        return past.Where(candle => candle.OpenTime < until).Concat(Empty(symbol, interval, calendar, until));
    }

    private KlineCandle[] Generate(string symbol, string interval, KlineCalendar calendar)
    {
        var random = new Random(MarketPrices.StableSeed(_seed, symbol, interval));
        var end = MarketPrices.StartPrice(_seed, symbol);
        var decimals = MarketPrices.Decimals(end);
        var tick = MarketPrices.TickSize(decimals);
        // A candle's moves grow with the square root of its length, as a random walk's do, and at the live walk's rate (one
        // step every UpdatePeriod), so the graph does not calm down left of the start: about 0.27 % a minute at 2 s steps.
        var minutes = (calendar.NextOpenTime(calendar.OpenTimeAt(Start)) - calendar.OpenTimeAt(Start)) / 60_000.0;
        var sigma = Math.Min(0.05, _perMinute * Math.Sqrt(Math.Max(minutes, 1.0 / 60)));
        var candles = new KlineCandle[_count];
        var openTime = calendar.OpenTimeAt(Start);
        var close = end;
        // Generated backwards from the start price: each candle opens at the close of the one before it.
        for (var index = _count - 1; index >= 0; index--)
        {
            openTime = calendar.PreviousOpenTime(openTime);
            var shock = (decimal)((random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * sigma);
            var open = Math.Max(tick, MarketPrices.Round(close / (1 + shock), decimals));
            var high = MarketPrices.Round(Math.Max(open, close) * (1 + (decimal)(random.NextDouble() * sigma)), decimals);
            var low = Math.Max(tick, MarketPrices.Round(Math.Min(open, close) * (1 - (decimal)(random.NextDouble() * sigma)), decimals));
            var trades = random.Next(1, 2_000);
            var average = (open + close) / 2;
            var baseVolume = MarketPrices.Round((decimal)random.NextDouble() * trades * 1000m / average, 8);
            var takerBase = MarketPrices.Round(baseVolume * (decimal)random.NextDouble(), 8);
            var closeTime = calendar.CloseTime(openTime);
            candles[index] = new KlineCandle(symbol, interval, closeTime, openTime, closeTime, -1, -1, open, close, high, low,
                baseVolume, trades, true, MarketPrices.Round(baseVolume * average, 8), takerBase, MarketPrices.Round(takerBase * average, 8));
            close = open;
        }

        return candles;
    }

    private IEnumerable<KlineCandle> Empty(string symbol, string interval, KlineCalendar calendar, long until)
    {
        var from = calendar.OpenTimeAt(Start);
        if (until <= from)
        {
            yield break;
        }

        var price = MarketPrices.StartPrice(_seed, symbol);
        var skip = Math.Max(0, calendar.CandlesBetween(from, until) - MaxEmptyCandles);
        var openTime = from;
        for (var index = 0L; openTime < until; index++, openTime = calendar.NextOpenTime(openTime))
        {
            if (index >= skip)
            {
                var closeTime = calendar.CloseTime(openTime);
                yield return new KlineCandle(symbol, interval, closeTime, openTime, closeTime, -1, -1, price, price, price, price, 0, 0, true, 0, 0, 0);
            }
        }
    }
}
