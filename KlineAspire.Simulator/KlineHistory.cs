using System.Collections.Concurrent;

namespace KlineAspire.Simulator;

/// <summary>
/// The candles of every UTC kline stream, for <c>GET /api/v3/klines</c>: its past (<see cref="KlinePast"/>), then the last
/// <see cref="SimulatorOptions.KlineHistoryLength"/> finished candles published, each as last sent, plus the forming one.
/// </summary>
internal sealed class KlineHistory(SimulatorOptions options, KlinePast past)
{
    private readonly ConcurrentDictionary<string, StreamCandles> _streams = new(StringComparer.Ordinal);

    public void Record(KlineCandle candle)
    {
        // REST serves UTC candles only; the @+08:00 variants are WebSocket-only.
        if (candle.TimeZoneSuffix is null && options.KlineHistoryLength > 0)
        {
            _streams.GetOrAdd(candle.StreamName, static (_, length) => new StreamCandles(length), options.KlineHistoryLength).Record(candle);
        }
    }

    /// <summary>
    /// Binance's selection: candles opening within [start, end]; from <paramref name="startTime"/> on the first
    /// <paramref name="limit"/>, otherwise the latest <paramref name="limit"/>; oldest first.
    /// </summary>
    public IReadOnlyList<KlineCandle> Query(string symbol, string interval, long? startTime, long? endTime, int limit)
    {
        var published = _streams.TryGetValue(StreamNames.Kline(symbol, interval), out var candles) ? candles.Snapshot() : [];
        var all = past.Before(symbol, interval, published.Count > 0 ? published[0].OpenTime : null).Concat(published);
        var inRange = all.Where(c => c.OpenTime >= (startTime ?? long.MinValue) && c.OpenTime <= (endTime ?? long.MaxValue)).ToList();
        return startTime is null ? inRange.TakeLast(limit).ToList() : inRange.Take(limit).ToList();
    }

    private sealed class StreamCandles(int length)
    {
        private static readonly Comparer<KlineCandle> ByOpenTime = Comparer<KlineCandle>.Create((a, b) => a.OpenTime.CompareTo(b.OpenTime));

        private readonly Lock _gate = new();
        private readonly List<KlineCandle> _finished = [];
        private KlineCandle? _forming;

        public void Record(KlineCandle candle)
        {
            lock (_gate)
            {
                // A candle replaced without a closing update (hand-published data) is history all the same.
                if (_forming is not null && _forming.OpenTime != candle.OpenTime)
                {
                    Finish(_forming);
                    _forming = null;
                }

                if (candle.IsClosed)
                {
                    Finish(candle);
                    _forming = null;
                }
                else
                {
                    _forming = candle;
                }
            }
        }

        public List<KlineCandle> Snapshot()
        {
            lock (_gate)
            {
                var all = new List<KlineCandle>(_finished.Count + 1);
                all.AddRange(_finished);
                if (_forming is not null)
                {
                    all.Add(_forming);
                }

                return all;
            }
        }

        private void Finish(KlineCandle candle)
        {
            var at = _finished.BinarySearch(candle, ByOpenTime);
            if (at >= 0)
            {
                _finished[at] = candle;
                return;
            }

            _finished.Insert(~at, candle);
            if (_finished.Count > length)
            {
                _finished.RemoveAt(0);
            }
        }
    }
}
